package io.llmtestbench.runtime.internal.load;

import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompileLimits;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.compiler.internal.Sha256;
import io.llmtestbench.runtime.PluginLoadException.Stage;
import io.llmtestbench.runtime.internal.Failures;
import io.llmtestbench.runtime.internal.PluginFaults;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Strict verification of a pre-compiled plugin ({@code LoadOptions.JarVerification.REPRODUCE}): its source module
 * ({@code source.wasm}) is compiled again by this runtime's compiler, and the plugin is accepted only if its
 * classes, main class, compiled module and interpreted-function list are byte for byte what that compilation
 * produces. The compiler is deterministic (same input, same bytes, in any JVM), so a jar built by an honest
 * {@code llmtb compile} or {@code wasm-compile} of the same version always passes, and anything edited after it
 * was built does not — whatever its stamp claims.
 *
 * <p>A positive verdict is remembered by the content's digest: in memory for this plugin system, and as an empty
 * file {@code reproduced/<digest>} in the cache directory (when there is one), so that only the first load of a
 * jar pays the compilation. The digest covers every byte the verdict is about and this compiler's version; the
 * cache directory is trusted like the compile cache (a file there vouches for the content it names). Refusals
 * are not remembered.
 */
public final class Reproduction {
    private static final String DIR = "reproduced";

    private final RememberedVerdicts verified;
    private final CompileLimits limits;
    private final AtomicLong compilations = new AtomicLong();

    /**
     * @param cacheDir where verdicts are kept between runs, or null for memory only
     * @param limits the compile limits the source module is compiled under
     */
    public Reproduction(Path cacheDir, CompileLimits limits) {
        this.verified = new RememberedVerdicts(cacheDir, DIR, "reproduction");
        this.limits = limits;
    }

    /**
     * Refuses ({@code PluginLoadException}, stage INVALID) a plugin whose parts are not what this compiler
     * generates from its source module.
     */
    public void check(String label, PluginArtifact.Entry entry) {
        String digest = digest(entry);
        if (verified.has(digest)) {
            return;
        }
        compilations.incrementAndGet();
        CompiledModule again;
        try {
            again = WasmCompiler.compile(entry.source(), new CompilerOptions(entry.stamp().metering(), entry.mainClass(), limits));
        } catch (CompilationException e) {
            throw Failures.load(Stage.INVALID, label, "its source.wasm does not compile, so its classes cannot be reproduced: "
                    + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw Failures.load(Stage.INVALID, label, "its source.wasm cannot be compiled again: " + PluginFaults.describe(e), e);
        }
        String difference = difference(entry, again);
        if (difference != null) {
            throw Failures.load(Stage.INVALID, label, difference + ": the jar is not what this compiler generates from its source.wasm"
                    + " (it was modified after it was built, or built by another compiler); refused by --verify-jar=reproduce", null);
        }
        verified.remember(digest);
    }

    /** How many compilations {@link #check} has run (tests prove that a remembered verdict costs none). */
    public long compilations() {
        return compilations.get();
    }

    private static String difference(PluginArtifact.Entry jar, CompiledModule again) {
        if (!jar.mainClass().equals(again.mainClass())) {
            return "its main class is " + jar.mainClass() + ", the compiler's " + again.mainClass();
        }
        for (String name : jar.classes().keySet()) {
            if (!again.classes().containsKey(name)) {
                return "class " + name + " is not one the compiler generates";
            }
            if (!Arrays.equals(jar.classes().get(name), again.classes().get(name))) {
                return "class " + name + " differs from the one the compiler generates";
            }
        }
        for (String name : again.classes().keySet()) {
            if (!jar.classes().containsKey(name)) {
                return "class " + name + " is missing";
            }
        }
        if (!Arrays.equals(jar.wasm(), again.wasm())) {
            return PluginArtifact.MODULE + " differs from the module the compiler generates";
        }
        if (!jar.interpretedFunctions().equals(new java.util.ArrayList<>(new java.util.TreeSet<>(again.report().interpretedFunctions())))) {
            return "its list of interpreted functions differs from the compiler's";
        }
        return null;
    }

    /** SHA-256 of everything the verdict is about, and of the compiler that reached it. */
    static String digest(PluginArtifact.Entry e) {
        MessageDigest d = Sha256.newDigest();
        RememberedVerdicts.update(d, WasmCompiler.VERSION);
        RememberedVerdicts.update(d, e.stamp().format());
        RememberedVerdicts.update(d, e.mainClass());
        RememberedVerdicts.update(d, e.interpretedFunctions().toString());
        RememberedVerdicts.update(d, WasmCompiler.sha256(e.source()));
        RememberedVerdicts.update(d, WasmCompiler.sha256(e.wasm()));
        for (Map.Entry<String, byte[]> c : new TreeMap<>(e.classes()).entrySet()) {
            RememberedVerdicts.update(d, c.getKey());
            RememberedVerdicts.update(d, WasmCompiler.sha256(c.getValue()));
        }
        return HexFormat.of().formatHex(d.digest());
    }


}
