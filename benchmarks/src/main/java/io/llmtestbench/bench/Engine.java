package io.llmtestbench.bench;

/** The ways a wasm module is run in these benchmarks. */
public enum Engine {
    /** Our compiler with fuel metering (what plugins get), on a {@code PluginMemory} with a budget. */
    OURS_METERED("ours-metered"),
    /** Our compiler without metering (call-depth accounting stays), same memory. */
    OURS_UNMETERED("ours-unmetered"),
    /** Chicory 1.7.5's compiler ({@code MachineFactoryCompiler}), {@code ByteArrayMemory}. */
    CHICORY_AOT("chicory-aot"),
    /** Chicory 1.7.5's interpreter, {@code ByteArrayMemory}. */
    CHICORY_INTERP("chicory-interp");

    public final String id;

    Engine(String id) {
        this.id = id;
    }

    public static Engine of(String id) {
        for (Engine e : values()) {
            if (e.id.equals(id)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown engine " + id);
    }
}
