package io.llmtestbench.runtime.internal.load;


/**
 * The parent of every plugin class loader: passes through only the packages generated code may use
 * ({@link ClassAllowList}), resolved from the runtime's own loader. Anything else is "not found", so a
 * plugin cannot reach the host application's classes even by reflection on a name.
 */
final class GuestApiClassLoader extends ClassLoader {
    static final GuestApiClassLoader INSTANCE = new GuestApiClassLoader();

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader runtime = GuestApiClassLoader.class.getClassLoader();

    private GuestApiClassLoader() {
        super("llmtb-guest-api", null);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!ClassAllowList.resolvable(name.replace('.', '/'))) {
            throw new ClassNotFoundException(name + " is not available to plugin code");
        }
        if (name.startsWith("java.")) {
            return Class.forName(name, false, null);
        }
        return Class.forName(name, false, runtime);
    }
}
