package io.llmtestbench.runtime;

import io.llmtestbench.compiler.CompileLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link PluginSystem} is set up: the defaults every plugin starts from, the bound on live instances, the
 * compile cache, the signature policy and where {@link PluginSystem#discover()} looks. Immutable; made by
 * {@link PluginSystem#builder()} (unset values take the defaults below) and read back with
 * {@link PluginSystem#options()}.
 *
 * @param defaultLimits the resource limits of a plugin loaded without its own ({@link LoadOptions#limits()});
 *     {@link ResourceLimits#defaults()} by default
 * @param enableWasi whether plugins may import WASI preview 1 (they get nothing beyond their
 *     {@link PluginPermissions}); false by default
 * @param maxInstances live plugin instances across the system, all plugins together; an execution that needs
 *     one when none is free first retires an idle instance of any plugin, then waits (within its deadline) rather
 *     than fail (default 50)
 * @param cacheDir where compiled {@code .wasm} files are cached, keyed by SHA-256 and compiler stamp, or null for no
 *     cache; {@link #defaultCacheDir()} by default
 * @param signaturePolicy which plugin signatures are checked and whether one is required
 *     ({@link SignaturePolicy#none()} by default: signatures are not checked)
 * @param pluginDirs directories {@link PluginSystem#discover()} reads {@code .wasm} files (each optionally signed by a
 *     {@code .wasm.sig} beside it) and pre-compiled plugin jars from, not recursively, and
 *     {@link PluginSystem#watchPluginDirs()} watches; none by default
 * @param scanClasspath whether discovery also finds pre-compiled plugin jars (and class directories) on the class
 *     path: every {@code META-INF/llmtb/index.json} the context class loader of the thread calling
 *     {@code discover()} finds (true by default)
 * @param compileLimits what a {@code .wasm} may declare for this system to compile it (module size, function body
 *     size, locals per function and in total, functions, types); a module over one is refused at load
 *     ({@link PluginLoadException.Stage#INVALID}) with a message naming the limit. {@link CompileLimits#defaults()}
 *     by default. Pre-compiled jars are not compiled, so not checked (except under
 *     {@link LoadOptions.JarVerification#REPRODUCE}, which compiles their source under these limits).
 */
public record SystemOptions(ResourceLimits defaultLimits, boolean enableWasi, int maxInstances, Path cacheDir,
        SignaturePolicy signaturePolicy, List<Path> pluginDirs, boolean scanClasspath, CompileLimits compileLimits) {

    public static final int DEFAULT_MAX_INSTANCES = 50;

    public SystemOptions {
        Objects.requireNonNull(defaultLimits, "defaultLimits");
        Objects.requireNonNull(signaturePolicy, "signaturePolicy");
        if (maxInstances <= 0) {
            throw new IllegalArgumentException("maxInstances must be positive: " + maxInstances);
        }
        pluginDirs = List.copyOf(pluginDirs);
        Objects.requireNonNull(compileLimits, "compileLimits");
    }

    /** {@code ~/.cache/llmtb/compiled}, or the directory named by the system property {@code llmtb.cache.dir}. */
    public static Path defaultCacheDir() {
        String configured = System.getProperty("llmtb.cache.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "llmtb", "compiled");
    }
}
