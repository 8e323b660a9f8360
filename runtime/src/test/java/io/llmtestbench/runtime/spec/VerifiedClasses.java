package io.llmtestbench.runtime.spec;

import io.llmtestbench.compiler.CompiledModule;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * ASM's verifier ({@link CheckClassAdapter#verify}: structure, then a data-flow analysis of every method with
 * types resolved through the plugin's own class loader) on every class the compiler generates for a spec or
 * differential run, so that a code generation bug shows as the method and instruction at fault rather than as a
 * {@code VerifyError} at some later load, or not at all on paths the JVM verifies lazily.
 */
final class VerifiedClasses {
    private VerifiedClasses() {}

    /**
     * @throws AssertionError naming the module, the class and ASM's findings, if any class fails
     */
    static void verify(String label, CompiledModule compiled, ClassLoader loader) {
        for (Map.Entry<String, byte[]> c : compiled.classes().entrySet()) {
            StringWriter problems = new StringWriter();
            try {
                CheckClassAdapter.verify(new ClassReader(c.getValue()), loader, false, new PrintWriter(problems));
            } catch (RuntimeException e) {
                throw new AssertionError("ASM cannot verify class " + c.getKey() + " of " + label + ": " + e, e);
            }
            if (!problems.toString().isEmpty()) {
                throw new AssertionError("class " + c.getKey() + " of " + label + " fails verification:\n" + problems);
            }
        }
    }
}
