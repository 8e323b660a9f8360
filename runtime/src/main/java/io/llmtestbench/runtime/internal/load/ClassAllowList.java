package io.llmtestbench.runtime.internal.load;

import java.util.List;
import java.util.Set;

/**
 * What generated plugin code may reference: Chicory's runtime and wasm types, the runtime's guest entry
 * points, and a short list of JDK classes that compiled wasm needs (numbers, math, arrays, exceptions).
 * Used both by the class loader (at link time) and by the jar verifier (before defining anything).
 */
public final class ClassAllowList {
    private ClassAllowList() {}

    /** Internal-name prefixes of allowed non-JDK packages. */
    static final List<String> PREFIXES = List.of(
            "com/dylibso/chicory/runtime/",
            "com/dylibso/chicory/wasm/",
            "com/dylibso/chicory/compiler/internal/",
            "io/llmtestbench/runtime/internal/exec/");

    /** JDK classes generated code uses. Deliberately no System, Runtime, Thread, reflection, I/O or ClassLoader. */
    static final Set<String> JDK = Set.of(
            "java/lang/Object", "java/lang/String", "java/lang/Math", "java/lang/StrictMath",
            "java/lang/Integer", "java/lang/Long", "java/lang/Float", "java/lang/Double", "java/lang/Short",
            "java/lang/Byte", "java/lang/Character", "java/lang/Boolean", "java/lang/Number",
            "java/lang/Throwable", "java/lang/Exception", "java/lang/RuntimeException", "java/lang/Error",
            "java/lang/StackOverflowError", "java/lang/ArithmeticException", "java/lang/ArrayIndexOutOfBoundsException",
            "java/lang/IndexOutOfBoundsException", "java/lang/IllegalArgumentException", "java/lang/IllegalStateException",
            "java/lang/NullPointerException", "java/lang/ClassCastException", "java/lang/UnsupportedOperationException",
            "java/lang/AssertionError", "java/lang/StringBuilder", "java/lang/CharSequence", "java/lang/Comparable",
            "java/lang/Enum", "java/lang/Iterable", "java/lang/AutoCloseable", "java/lang/Cloneable", "java/io/Serializable",
            "java/lang/invoke/MethodHandle", "java/lang/invoke/MethodHandles", "java/lang/invoke/MethodHandles$Lookup",
            "java/lang/invoke/MethodType", "java/lang/invoke/CallSite", "java/lang/invoke/LambdaMetafactory",
            "java/lang/invoke/StringConcatFactory", "java/lang/invoke/VarHandle",
            "java/util/Arrays", "java/util/List", "java/util/Map", "java/util/Objects", "java/util/Set",
            "java/util/function/Function", "java/util/function/Supplier");

    /**
     * JDK classes generated code needs only a few members of; the verifier allows exactly these members
     * (owner.name), and the class itself only as the owner of one of them.
     */
    static final Set<String> JDK_MEMBERS = Set.of(
            "java/lang/Thread.currentThread", "java/lang/Thread.isInterrupted");

    /** Whether code in a plugin may use this member of a class not otherwise allowed. */
    public static boolean allowsMember(String owner, String name) {
        return JDK_MEMBERS.contains(owner + "." + name);
    }

    /** Whether the class loader may resolve this class at all (allowed classes and owners of allowed members). */
    static boolean resolvable(String internalName) {
        if (allowsClass(internalName)) {
            return true;
        }
        for (String m : JDK_MEMBERS) {
            if (m.startsWith(internalName + ".")) {
                return true;
            }
        }
        return false;
    }

    /** Whether code in a plugin may reference the class with this internal name. */
    public static boolean allowsClass(String internalName) {
        String name = internalName;
        while (name.startsWith("[")) {
            name = name.substring(1);
        }
        if (name.startsWith("L") && name.endsWith(";")) {
            name = name.substring(1, name.length() - 1);
        }
        if (name.length() <= 1) {
            return true; // primitive array element
        }
        if (JDK.contains(name)) {
            return true;
        }
        for (String prefix : PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
