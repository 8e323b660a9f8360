package io.llmtestbench.maven;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.Import;
import io.llmtestbench.abi.PluginAbi;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a plugin's metadata at build time, the way the host does at load (instantiate, {@code _initialize},
 * {@code plugin_metadata} with the buffer protocol and its one retry), in a sandbox: Chicory's interpreter on
 * the module as written (no metering: the build has no runtime), a memory cap, a deadline, and no host: every
 * imported function (host function or WASI) stops the probe instead of running, except the WASI functions
 * that read arguments, environment and preopened directories, which report none (as the runtime does for a
 * plugin without permissions).
 *
 * <p>The outcome tells apart what is the plugin's fault from what the build cannot know:
 * <ul>
 *   <li>{@link Read}: the metadata JSON;</li>
 *   <li>{@link Fails}: start-up fails with no import called and no limit reached, so it fails the same way at
 *       every load (a trap, a non-zero result code, an output that breaks the buffer protocol);</li>
 *   <li>{@link Unknown}: the probe called an import, hit the memory cap, the call-depth limit or the deadline:
 *       at run time the host's functions, limits and configuration decide, so nothing is concluded.</li>
 * </ul>
 */
final class MetadataProbe {
    /** What the probe found. */
    sealed interface Outcome permits Read, Fails, Unknown {}

    record Read(byte[] json) implements Outcome {
        String text() {
            return new String(json, StandardCharsets.UTF_8);
        }
    }

    record Fails(String reason) implements Outcome {}

    record Unknown(String reason) implements Outcome {}

    /** The output capacity the host offers first (ABI §6.1), and the most a retry may ask for (the default maximum output size). */
    static final int CAPACITY = 65_536;
    static final int MAX_OUTPUT = 16 * 1024 * 1024;

    private final int memoryCapPages;
    private final Duration deadline;

    MetadataProbe(int memoryCapPages, Duration deadline) {
        this.memoryCapPages = memoryCapPages;
        this.deadline = deadline;
    }

    /** 64 MiB of memory (the runtime's default limit) and 10 s of the interpreter. */
    static MetadataProbe defaults() {
        return new MetadataProbe(1024, Duration.ofSeconds(10));
    }

    /** Runs the probe on its own thread, interrupted at the deadline. {@code module} must have passed {@link PluginAbi#check}. */
    Outcome probe(WasmModule module) {
        var task = new FutureTask<>(() -> run(module));
        Thread thread = new Thread(task, "llmtb-metadata-probe");
        thread.setDaemon(true);
        thread.start();
        try {
            return task.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(true); // Chicory's interpreter checks the interrupt at calls and backward branches
            String limit = deadline.toMillis() % 1000 == 0 ? deadline.toSeconds() + " s" : deadline.toMillis() + " ms";
            return new Unknown("did not finish within " + limit + " in Chicory's interpreter at build time");
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            return new Unknown("the build was interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StackOverflowError) {
                return new Unknown("ran out of call depth in Chicory's interpreter at build time");
            }
            return new Unknown("the probe failed: " + cause);
        }
    }

    /** An import was called: the probe stops, since the build has no host. */
    private static final class ImportCalled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ImportCalled(String name) {
            super(name, null, false, false);
        }
    }

    private Outcome run(WasmModule module) {
        CappedMemory[] memory = new CappedMemory[1];
        String stage = "instantiation";
        try {
            if (module.memorySection().isPresent() && module.memorySection().get().memoryCount() > 0
                    && module.memorySection().get().getMemory(0).limits().initialPages() > memoryCapPages) {
                return new Unknown("its initial memory of " + module.memorySection().get().getMemory(0).limits().initialPages()
                        + " pages is more than the " + memoryCapPages + " pages the build-time probe allows");
            }
            Instance instance = Instance.builder(module)
                    .withImportValues(ImportValues.builder().withFunctions(stopAtImports(module)).build())
                    .withMemoryFactory(limits -> memory[0] = new CappedMemory(limits, memoryCapPages))
                    .withStart(false) // the wasm start function still runs; an exported _start does not (ABI §2)
                    .build();
            if (hasExport(module, PluginAbi.INITIALIZE)) {
                stage = PluginAbi.INITIALIZE;
                instance.export(PluginAbi.INITIALIZE).apply();
            }
            stage = PluginAbi.METADATA;
            return callMetadata(instance, memory[0]);
        } catch (ImportCalled e) {
            return new Unknown(stage + " calls the import `" + e.getMessage() + "`, which the build does not provide");
        } catch (StackOverflowError e) {
            return new Unknown(stage + " ran out of call depth in Chicory's interpreter at build time");
        } catch (ChicoryException e) {
            if (Thread.currentThread().isInterrupted()) {
                return new Unknown("interrupted at the deadline");
            }
            if (memory[0] != null && memory[0].growRefused()) {
                return new Unknown(stage + " failed after the build-time probe refused to grow memory past "
                        + memoryCapPages + " pages: " + e.getMessage());
            }
            if (e.getCause() instanceof ImportCalled) {
                return new Unknown(stage + " calls the import `" + e.getCause().getMessage() + "`, which the build does not provide");
            }
            return new Fails(stage + " traps: " + e.getMessage());
        }
    }

    private Outcome callMetadata(Instance instance, CappedMemory memory) {
        ExportFunction alloc = instance.export(PluginAbi.ALLOC);
        ExportFunction free = instance.export(PluginAbi.FREE);
        ExportFunction metadata = instance.export(PluginAbi.METADATA);
        int capacity = CAPACITY;
        for (int attempt = 0; ; attempt++) {
            int out = (int) alloc.apply(capacity)[0];
            int cell = (int) alloc.apply(4)[0];
            if (out == 0 || cell == 0) {
                return memory.growRefused()
                        ? new Unknown("plugin_alloc failed after the build-time probe refused to grow memory past " + memoryCapPages + " pages")
                        : new Fails("plugin_alloc(" + (out == 0 ? capacity : 4) + ") returned 0 when the host allocated the output buffer");
            }
            memory.writeI32(cell, capacity);
            int code = (int) metadata.apply(out, cell)[0];
            int length = memory.readInt(cell);
            if (code == PluginAbi.RESULT_BUFFER_TOO_SMALL && attempt == 0
                    && Integer.compareUnsigned(length, capacity) > 0 && Integer.toUnsignedLong(length) <= MAX_OUTPUT) {
                free.apply(out, capacity);
                free.apply(cell, 4);
                capacity = length;
                continue;
            }
            if (code != PluginAbi.RESULT_OK) {
                if (memory.growRefused()) {
                    return new Unknown("plugin_metadata returned " + code + " after the build-time probe refused to grow memory past "
                            + memoryCapPages + " pages");
                }
                String message = code == PluginAbi.RESULT_BUFFER_TOO_SMALL
                        ? (attempt > 0 ? "returned RESULT_BUFFER_TOO_SMALL again after the retry with " + capacity + " bytes"
                                : "returned RESULT_BUFFER_TOO_SMALL asking for " + Integer.toUnsignedString(length)
                                        + " bytes, which is not more than the capacity " + capacity + " or more than the maximum output of " + MAX_OUTPUT)
                        : "failed with code: " + code + " (" + PluginAbi.resultName(code).orElse("undocumented result code") + ")";
                return new Fails("plugin_metadata " + message);
            }
            if (Integer.compareUnsigned(length, capacity) > 0) {
                return new Fails("plugin_metadata wrote length " + Integer.toUnsignedString(length) + " larger than capacity " + capacity);
            }
            return new Read(memory.readBytes(out, length));
        }
    }

    /**
     * WASI functions answered as the runtime answers a plugin without permissions: no arguments, no environment,
     * no preopened directory.
     */
    private static final java.util.Set<String> EMPTY_WORLD =
            java.util.Set.of("args_sizes_get", "args_get", "environ_sizes_get", "environ_get", "fd_prestat_get");
    private static final int ERRNO_BADF = 8;
    private static final com.dylibso.chicory.wasm.types.FunctionType PTR_PTR_ERRNO = com.dylibso.chicory.wasm.types.FunctionType.of(
            List.of(com.dylibso.chicory.wasm.types.ValType.I32, com.dylibso.chicory.wasm.types.ValType.I32),
            List.of(com.dylibso.chicory.wasm.types.ValType.I32));

    /**
     * Every function import, as a function that stops the probe when called; except the WASI functions that
     * read the arguments, the environment and the preopened directories (wasi-libc's start-up code calls them),
     * which report none.
     */
    private static List<ImportFunction> stopAtImports(WasmModule module) {
        List<ImportFunction> functions = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (imp.importType() == ExternalType.FUNCTION) {
                String name = imp.module() + "." + imp.name();
                var type = module.typeSection().getType(((FunctionImport) imp).typeIndex());
                boolean empty = imp.module().equals(PluginAbi.WASI_MODULE) && EMPTY_WORLD.contains(imp.name())
                        && type.params().equals(PTR_PTR_ERRNO.params()) && type.returns().equals(PTR_PTR_ERRNO.returns());
                functions.add(new HostFunction(imp.module(), imp.name(), type, (inst, args) -> {
                    if (!empty) {
                        throw new ImportCalled(name);
                    }
                    if (imp.name().equals("fd_prestat_get")) {
                        return new long[] {ERRNO_BADF}; // not a preopened directory: there are none
                    }
                    if (imp.name().endsWith("_sizes_get")) {
                        inst.memory().writeI32((int) args[0], 0); // count
                        inst.memory().writeI32((int) args[1], 0); // buffer size
                    }
                    return new long[] {0}; // errno success
                }));
            }
        }
        return functions;
    }

    private static boolean hasExport(WasmModule module, String name) {
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            var e = module.exportSection().getExport(i);
            if (e.name().equals(name) && e.exportType() == ExternalType.FUNCTION) {
                return true;
            }
        }
        return false;
    }
}
