package io.llmtestbench.runtime.internal.load;

import java.util.Map;

/**
 * Defines one plugin version's generated classes. Its parent is {@link GuestApiClassLoader}, so plugin
 * code sees the JDK, Chicory's runtime and the runtime's guest entry points — nothing of the host
 * application. Dropping every reference to the loader unloads the plugin.
 */
public final class PluginClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> classes;

    public PluginClassLoader(String name, Map<String, byte[]> classes) {
        super(name, GuestApiClassLoader.INSTANCE);
        this.classes = Map.copyOf(classes);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
    }
}
