package io.llmtestbench.runtime.internal.load;

import io.llmtestbench.compiler.internal.AllowedReferences;

/**
 * The parent of every plugin class loader: resolves exactly the classes the compiler's
 * {@link AllowedReferences} names (from the JDK or the runtime's own loader) and nothing else, so a plugin cannot
 * reach the host application's classes, nor any JDK or Chicory class off the list, even by a name it made up.
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
        if (!AllowedReferences.resolvable(name.replace('.', '/'))) {
            throw new ClassNotFoundException(name + " is not available to plugin code");
        }
        if (name.startsWith("java.")) {
            return Class.forName(name, false, null);
        }
        return Class.forName(name, false, runtime);
    }
}
