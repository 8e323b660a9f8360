package io.llmtestbench.compiler;

import io.llmtestbench.compiler.internal.ClassFiles;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Facts about one compilation that matter for speed and safety: what each wasm function became, and every
 * generated method with its size. Made by {@link WasmCompiler#compile}, or read back from an artifact with
 * {@link PluginArtifact.Entry#report()}.
 *
 * @param definedFunctions functions defined by the module
 * @param interpretedFunctions functions run by an interpreter instead of generated code: always empty with this
 *     compiler, which splits a function too large for one method across several (kept in the report and the
 *     artifact format, where older compilers listed them)
 * @param functions the module's defined functions, by index, with their sizes
 * @param methods every generated method, in class order
 * @param classes generated classes
 * @param classFileBytes their class files together
 * @param wasmBytes the module as compiled (the input, block types remapped where Chicory would misread them), which the runtime instantiates
 * @param meteredSegments static metering points injected (0 when metering is off; -1 when not known, for a
 *     report read back from an artifact)
 * @param compileMillis wall time of the compilation (-1 when not known, for a report read back from an artifact)
 */
public record CompilationReport(
        int definedFunctions,
        Set<Integer> interpretedFunctions,
        List<Function> functions,
        List<Method> methods,
        int classes,
        long classFileBytes,
        int wasmBytes,
        long meteredSegments,
        long compileMillis) {

    /** HotSpot's default {@code HugeMethodLimit}: methods with more bytecode are never JIT-compiled. */
    public static final int HUGE_METHOD_LIMIT = 8000;

    public CompilationReport {
        interpretedFunctions = Set.copyOf(interpretedFunctions);
        functions = List.copyOf(functions);
        methods = List.copyOf(methods);
    }

    /**
     * One defined wasm function.
     *
     * @param index its index in the function index space (imported functions first)
     * @param wasmBytes the size of its body in the module as compiled (metering calls included)
     * @param bytecodeBytes the bytecode of the methods that implement it (its split parts included)
     * @param interpreted whether an interpreter runs it (always false; see {@link #interpretedFunctions()})
     */
    public record Function(int index, int wasmBytes, int bytecodeBytes, boolean interpreted) {}

    /**
     * One generated method.
     *
     * @param wasmFunction the wasm function index it implements, or -1 for a dispatch/bridge method
     */
    public record Method(String className, String method, int wasmFunction, int bytecodeBytes) {
        /** Whether HotSpot leaves it uncompiled by default (over {@link #HUGE_METHOD_LIMIT}). */
        public boolean huge() {
            return bytecodeBytes > HUGE_METHOD_LIMIT;
        }
    }

    /** The methods over {@link #HUGE_METHOD_LIMIT}, which the JIT never compiles, largest first. */
    public List<Method> largeMethods() {
        return largest(methods);
    }

    /** Bytecode of all generated methods together. */
    public long bytecodeBytes() {
        return methods.stream().mapToLong(Method::bytecodeBytes).sum();
    }

    /** The methods over {@link #HUGE_METHOD_LIMIT} among {@code methods}, largest first. */
    static List<Method> largest(List<Method> methods) {
        return methods.stream().filter(Method::huge).sorted(Comparator.comparingInt(Method::bytecodeBytes).reversed()).toList();
    }

    /**
     * The wasm function a generated method implements: N for {@code func_N} and its parts {@code func_N$K}, else -1
     * (what the pattern {@code func_(\d+)(\$\d+)?} matches; read by hand, as the load path runs it in a fresh JVM's
     * interpreter once per method).
     */
    static int wasmFunction(String name) {
        if (!name.startsWith("func_")) {
            return -1;
        }
        int end = digits(name, 5);
        if (end == 5) {
            return -1;
        }
        if (end < name.length()) {
            if (name.charAt(end) != '$' || digits(name, end + 1) == end + 1 || digits(name, end + 1) != name.length()) {
                return -1;
            }
        }
        return Integer.parseInt(name, 5, end, 10);
    }

    /** The index just past the ASCII digits of {@code s} from {@code from}. */
    private static int digits(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /**
     * Every method of these class files with its bytecode length (the {@code Code} attribute's), in class and
     * declaration order; a method named {@code func_<n>} implements wasm function {@code n}, one named {@code func_<n>$<k>} a
     * part of it moved out to keep methods small. Works for any class
     * files, not only this compiler's.
     *
     * @param classes class bytes by binary name
     */
    public static List<Method> methodsOf(Map<String, byte[]> classes) {
        List<Method> methods = new ArrayList<>();
        for (var c : classes.entrySet()) {
            for (Map.Entry<String, Integer> e : ClassFiles.codeLengths(c.getValue()).entrySet()) {
                String nameAndDescriptor = e.getKey();
                String name = nameAndDescriptor.substring(0, nameAndDescriptor.indexOf('('));
                methods.add(new Method(c.getKey(), name, wasmFunction(name), e.getValue()));
            }
        }
        return methods;
    }
}
