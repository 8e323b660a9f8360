package io.llmtestbench.compiler.internal.gen;

import io.llmtestbench.compiler.internal.RuntimeContract;

/** Names inside the generated classes (the runtime's names are in {@link RuntimeContract}). */
final class Names {
    private Names() {}

    static final String INSTANCE = "com/dylibso/chicory/runtime/Instance";
    static final String MACHINE = "com/dylibso/chicory/runtime/Machine";
    static final String GLOBAL_INSTANCE = "com/dylibso/chicory/runtime/GlobalInstance";
    static final String TABLE_INSTANCE = "com/dylibso/chicory/runtime/TableInstance";
    static final String FUNCTION_HANDLE = "com/dylibso/chicory/runtime/WasmFunctionHandle";
    static final String IMPORT_VALUES = "com/dylibso/chicory/runtime/ImportValues";
    static final String IMPORT_FUNCTION = "com/dylibso/chicory/runtime/ImportFunction";
    static final String FUNCTION_TYPE = "com/dylibso/chicory/wasm/types/FunctionType";

    /** Field of the machine holding its Chicory instance. */
    static final String F_INSTANCE = "instance";
    /** Field of the machine holding the instance's budget (fuel, depth). */
    static final String F_BUDGET = "budget";
    /** Field of the machine holding the host functions' handles, by import index. */
    static final String F_HOSTS = "hosts";

    /** Field holding memory {@code i} (a {@code PluginMemory}). */
    static String memory(int i) {
        return "mem" + i;
    }

    /** Field holding table {@code i}. */
    static String table(int i) {
        return "table" + i;
    }

    /** Field holding global {@code i}: its value, or its {@code GlobalInstance} when imported or exported. */
    static String global(int i) {
        return "global" + i;
    }

    /** The method of wasm function {@code i}. */
    static String function(int i) {
        return "func_" + i;
    }

    /** The method of a part of wasm function {@code i} moved out of it to keep methods small. */
    static String part(int function, int part) {
        return "func_" + function + "$" + part;
    }

    /** The indirect-call dispatcher of canonical signature {@code sig}. */
    static String indirect(int sig) {
        return "call_indirect_" + sig;
    }
}
