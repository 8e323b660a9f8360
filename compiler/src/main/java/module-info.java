/**
 * The llmtb compiler: WebAssembly modules to JVM classes with deterministic fuel metering
 * ({@code io.llmtestbench.compiler}), and the plugin ABI ({@code io.llmtestbench.abi}).
 *
 * <p>{@code io.llmtestbench.compiler.internal} holds the code generator and the contract between generated code and
 * the runtime (what generated classes call, the cost model); it is exported to the runtime module, and to the pipeline
 * module for {@code JsonTrees} (JSON trees without initialising an {@code ObjectMapper}).
 */
module io.llmtestbench.compiler {
    requires transitive com.dylibso.chicory.wasm;
    requires com.dylibso.chicory.runtime;
    requires com.fasterxml.jackson.databind;
    requires org.objectweb.asm;
    requires org.objectweb.asm.tree;
    requires org.objectweb.asm.tree.analysis;
    requires org.objectweb.asm.util;

    exports io.llmtestbench.abi;
    exports io.llmtestbench.compiler;
    exports io.llmtestbench.compiler.internal to io.llmtestbench.runtime, io.llmtestbench.pipeline;
}
