package io.llmtestbench.runtime.internal.wasi;

import com.dylibso.chicory.log.Logger.Level;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.runtime.DirGrant;
import io.llmtestbench.runtime.PluginPermissions;
import io.llmtestbench.runtime.internal.wasi.Sandbox.Grant;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The WASI preview 1 world of one plugin instance, built from the plugin's permissions:
 * <ul>
 *   <li>files: only the granted directories, preopened at their guest paths (fd 3, 4, …) and confined by
 *       {@link Sandbox}; read-only grants refuse every write. No grant: no preopen, so every open fails.</li>
 *   <li>environment: only the variables named, with their values in this process's environment.</li>
 *   <li>arguments: none. stdin: empty. stdout/stderr: the plugin's logger, line by line (info/warn),
 *       within the per-execution log cap shared with {@code host_log}.</li>
 *   <li>clocks: the real ones. random: {@link SecureRandom}, or a {@link Random} seeded with
 *       {@code LoadOptions.randomSeed} (per instance) for reproducible runs.</li>
 * </ul>
 * File and descriptor functions are implemented here ({@link WasiFiles}); arguments, environment,
 * clocks, random and {@code proc_exit} are Chicory's. Every call costs fuel. {@link #close()} releases the
 * host descriptors; a {@link Cleaner} does so too if an instance is dropped without it.
 */
public final class WasiEnvironment implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final WasiFiles files;
    private final GuestOutput stdout;
    private final GuestOutput stderr;
    private final WasiPreview1 preview1;
    private final Cleaner.Cleanable cleanable;
    /** Run when the plugin reads its environment: warns about what it cannot see (RefusalWarnings). */
    private final Runnable environmentRead;

    private WasiEnvironment(WasiFiles files, GuestOutput stdout, GuestOutput stderr, WasiPreview1 preview1,
            Runnable environmentRead) {
        this.environmentRead = environmentRead;
        this.files = files;
        this.stdout = stdout;
        this.stderr = stderr;
        this.preview1 = preview1;
        this.cleanable = CLEANER.register(this, files::closeAll);
    }

    /**
     * Builds the WASI world of a new instance.
     *
     * @param logger the plugin's logger (looked up on every line: the plugin may be renamed once its
     *     metadata is read)
     * @param warnings the plugin's warnings about refused paths and variables (one set per plugin)
     * @throws IllegalArgumentException when a granted directory does not exist, is not a directory, or two
     *     grants use the same guest path; IllegalStateException when the platform cannot confine file access
     */
    public static WasiEnvironment create(PluginPermissions permissions, Long randomSeed, Supplier<Logger> logger,
            RefusalWarnings warnings) {
        List<Grant> grants = permissions.filesystem() ? resolveGrants(permissions.dirGrants()) : List.of();
        var options = WasiOptions.builder()
                .withRandom(randomSeed == null ? new SecureRandom() : new Random(randomSeed))
                .withArguments(List.of());
        List<String> unset = new ArrayList<>();
        for (String name : permissions.envVars()) {
            String value = System.getenv(name);
            if (value != null) {
                options.withEnvironment(name, value);
            } else {
                unset.add(name);
            }
        }
        List<String> granted = List.copyOf(permissions.envVars());
        Runnable environmentRead = () -> warnings.environment(granted, unset);
        LogQuota unbound = new LogQuota(0);
        GuestOutput out = new GuestOutput(logger, false, unbound);
        GuestOutput err = new GuestOutput(logger, true, unbound);
        WasiFiles files;
        try {
            files = new WasiFiles(out, err, grants, warnings);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the granted directories: " + e.getMessage(), e);
        }
        var preview1 = WasiPreview1.builder().withOptions(options.build()).withLogger(new SilentLogger()).build();
        return new WasiEnvironment(files, out, err, preview1, environmentRead);
    }

    private static List<Grant> resolveGrants(List<DirGrant> grants) {
        List<Grant> out = new ArrayList<>();
        Set<String> guestPaths = new HashSet<>();
        for (DirGrant g : grants) {
            if (!guestPaths.add(g.guestPath())) {
                throw new IllegalArgumentException("two directory grants use the guest path " + g.guestPath());
            }
            Path real;
            try {
                real = Path.of(g.hostPath()).toRealPath();
            } catch (IOException e) {
                throw new IllegalArgumentException("granted directory " + g.hostPath() + " does not exist or cannot be read ("
                        + e.getMessage() + ")", e);
            }
            if (!Files.isDirectory(real)) {
                throw new IllegalArgumentException("granted directory " + g.hostPath() + " is not a directory");
            }
            out.add(new Grant(g.guestPath(), real, g.readOnly()));
        }
        return out;
    }

    /**
     * The host functions of the WASI module, bound to this instance; stdout and stderr count against
     * {@code quota} (the one {@code host_log} uses).
     */
    public List<ImportFunction> functions(LogQuota quota) {
        stdout.bind(quota);
        stderr.bind(quota);
        Map<String, WasmFunctionHandle> own = files.handles();
        List<ImportFunction> out = new ArrayList<>();
        for (HostFunction f : preview1.toHostFunctions()) {
            WasmFunctionHandle handle = own.get(f.name());
            if (handle == null) {
                handle = charged(f.name(), f.handle());
            }
            if (f.name().equals("environ_sizes_get") || f.name().equals("environ_get")) {
                WasmFunctionHandle read = handle;
                handle = (inst, args) -> {
                    environmentRead.run();
                    return read.apply(inst, args);
                };
            }
            out.add(new HostFunction(PluginAbi.WASI_MODULE, f.name(), f.functionType(), handle));
        }
        return out;
    }

    /** Chicory's implementation, charged like ours (random_get also per byte). */
    private static WasmFunctionHandle charged(String name, WasmFunctionHandle delegate) {
        boolean perByte = name.equals("random_get");
        return (inst, args) -> {
            WasiFiles.chargeCall(inst, perByte ? Integer.toUnsignedLong((int) args[1]) : 0);
            return delegate.apply(inst, args);
        };
    }

    /** A new run: logs pending partial output lines of the previous one. */
    public void beginRun() {
        stdout.beginRun();
        stderr.beginRun();
    }

    /** Logs pending output and closes every host descriptor the guest holds. */
    @Override
    public void close() {
        stdout.flush();
        stderr.flush();
        cleanable.clean();
    }

    static long realtimeNanos() {
        Instant now = Instant.now();
        return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }

    /** Chicory's WASI logs every call at trace level through its own logger; nothing of it is wanted. */
    private static final class SilentLogger implements com.dylibso.chicory.log.Logger {
        @Override
        public void log(Level level, String msg, Throwable throwable) {}

        @Override
        public boolean isLoggable(Level level) {
            return false;
        }
    }
}
