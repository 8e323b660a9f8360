/**
 * The llmtb runtime: loads WebAssembly plugins (compiled ahead of time to JVM classes) and runs them under hard
 * limits. The API is {@code io.llmtestbench.runtime}; nothing else is exported.
 *
 * <p>Generated plugin code is defined in a class loader of its own, in that loader's unnamed module, and links
 * against the runtime's guest entry points in {@code io.llmtestbench.runtime.internal.exec}. The runtime exports that
 * package to each plugin loader's unnamed module as it creates it ({@code Module.addExports}), and to nobody else.
 */
module io.llmtestbench.runtime {
    requires transitive io.llmtestbench.compiler;
    requires transitive com.fasterxml.jackson.databind;
    requires com.dylibso.chicory.runtime;
    requires com.dylibso.chicory.wasi;
    requires com.dylibso.chicory.log;
    requires org.objectweb.asm;
    requires org.objectweb.asm.tree;
    requires org.slf4j;
    requires java.net.http;
    requires java.management;
    requires jdk.management;
    requires jdk.unsupported;

    exports io.llmtestbench.runtime;
}
