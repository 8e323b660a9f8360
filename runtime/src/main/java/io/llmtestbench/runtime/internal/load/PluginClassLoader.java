package io.llmtestbench.runtime.internal.load;

import java.util.Map;
import java.util.Set;

/**
 * Defines one plugin version's generated classes. It resolves a name in exactly two ways: one of the plugin's
 * own classes (those listed in its manifest, defined here, never looked up elsewhere), or a class the compiler's
 * allow-list names (through {@link GuestApiClassLoader}); anything else is "not found". Dropping every reference
 * to the loader unloads the plugin.
 */
public final class PluginClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    /** The plugin's own class names. */
    private final Set<String> names;
    /** Their bytes, until {@link #definedAll()}. */
    private volatile Map<String, byte[]> classes;

    public PluginClassLoader(String name, Map<String, byte[]> classes) {
        super(name, GuestApiClassLoader.INSTANCE);
        this.classes = Map.copyOf(classes);
        this.names = Set.copyOf(classes.keySet());
    }

    /**
     * Every class has been defined (the caller loaded each one): the class bytes are dropped, so a loaded plugin
     * does not keep a second copy of its code on the heap. Loading a class by name still works.
     */
    public void definedAll() {
        classes = Map.of();
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!names.contains(name)) {
            return getParent().loadClass(name); // the allow-list's classes, or ClassNotFoundException
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = findClass(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
            throw new ClassNotFoundException(name + " is not available to plugin code");
        }
        return defineClass(name, bytes, 0, bytes.length);
    }

    /** Whether this loader defines the class with this binary name (one of the plugin's own). */
    public boolean owns(String name) {
        return names.contains(name);
    }
}
