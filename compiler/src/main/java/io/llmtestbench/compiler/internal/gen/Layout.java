package io.llmtestbench.compiler.internal.gen;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;

/**
 * Which generated class holds what. The main class (the machine) holds the per-instance state, the
 * dispatchers and the first {@link #perClass} functions; every further group of functions is a class of its
 * own ({@code Main$F1}, {@code Main$F2}, ...), so that no class's constant pool overflows.
 */
final class Layout {
    final ModuleInfo mod;
    /** Internal name of the main class. */
    final String machine;
    final int perClass;

    Layout(ModuleInfo mod, int perClass) {
        this.mod = mod;
        this.machine = mod.mainClass.replace('.', '/');
        this.perClass = perClass;
    }

    int groupOf(int function) {
        return function / perClass;
    }

    int groups() {
        return (mod.functionCount + perClass - 1) / perClass;
    }

    String groupClass(int group) {
        return group == 0 ? machine : machine + "$F" + group;
    }

    String classOf(int function) {
        return groupClass(groupOf(function));
    }

    /**
     * The descriptor of the indirect-call dispatcher of a signature: the call's arguments, the element index,
     * the table, a type index of the signature (for calls into other instances), the machine.
     */
    String indirectDescriptor(int sig) {
        FunctionType t = mod.canonicalTypes.get(sig);
        StringBuilder d = new StringBuilder("(");
        if (JvmTypes.boxedParams(t)) {
            d.append("[J");
        } else {
            for (ValType p : t.params()) {
                d.append(JvmTypes.of(p).getDescriptor());
            }
        }
        d.append("IL").append(Names.TABLE_INSTANCE).append(";I").append('L').append(machine).append(';').append(')');
        return d.append(JvmTypes.returnType(t).getDescriptor()).toString();
    }
}
