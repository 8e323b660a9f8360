package io.llmtestbench.runtime.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.compiler.internal.AllowedReferences;
import io.llmtestbench.compiler.internal.AllowedReferences.Kind;
import io.llmtestbench.compiler.internal.AllowedReferences.Ref;
import io.llmtestbench.runtime.TestPlugins;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Type;

/**
 * The compiler's {@link AllowedReferences} and what the compiler emits agree exactly: every reference the
 * generated code of the test plugins, random modules and every module of the spec suite makes (metered, and the
 * test plugins also unmetered) is on the list, and every entry of the list is made by some of it. The spec
 * suite's modules are those {@link SpecSuite} compiles (recorded by {@link Engine.Compiled}, once per JVM);
 * none of that code is refused by the verifier either. When the
 * backend changes, the failure message lists the lines to add and to remove. Also: none of that code is refused
 * by the verifier, every entry exists in the classes it names, and no entry names a dangerous class.
 */
class AllowListAgreementTest {
    /** Whether the whole spec suite was compiled (it is needed for the dead-entry check). */
    private static boolean specSuite;

    @BeforeAll
    static void compileCorpus() throws Exception {
        try (Stream<Path> files = Files.list(TestPlugins.dir())) {
            for (Path p : files.filter(f -> f.toString().endsWith(".wasm")).sorted().toList()) {
                byte[] wasm = Files.readAllBytes(p);
                scan(p.getFileName().toString(), wasm, true);
                scan(p.getFileName() + " (unmetered)", wasm, false);
            }
        }
        for (long seed = 1; seed <= 20; seed++) {
            scan("random module " + seed, RandomModules.generate(seed), true);
        }
        scan("huge random module", RandomModules.generateHuge(7), true);
        // The spec suite's modules, as SpecSuite compiles them (once per JVM, shared with SpecSuiteTest).
        try {
            specSuite = !SpecSuite.result().filtered();
        } catch (AssertionError | RuntimeException e) {
            specSuite = false; // no suite here: only the test plugins and random modules are checked
        }
    }

    private static void scan(String label, byte[] wasm, boolean metering) {
        CompiledModule m;
        try {
            m = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(metering));
        } catch (CompilationException e) {
            return; // invalid, malformed or unsupported: nothing generated
        }
        EmittedReferences.record(label, m);
    }

    @Test
    void everyReferenceTheCompilerEmitsIsOnTheList() {
        Set<Ref> missing = EmittedReferences.references();
        missing.removeAll(AllowedReferences.all());
        assertThat(missing).as("references generated code makes that are not on AllowedReferences (%d modules compiled);"
                + " add these lines (after auditing them):%n%s", EmittedReferences.modules(), lines(missing)).isEmpty();
        assertThat(EmittedReferences.refused()).as("generated code the verifier refuses").isEmpty();
    }

    @Test
    void everyEntryOfTheListIsEmittedBySomething() {
        Assumptions.assumeTrue(specSuite, "the spec suite is needed to exercise every entry (see SpecSuite)");
        Set<Ref> dead = new TreeSet<>(AllowedReferences.all());
        dead.removeAll(EmittedReferences.references());
        assertThat(dead).as("entries of AllowedReferences no generated code uses (%d modules compiled); remove these lines:%n%s",
                EmittedReferences.modules(), lines(dead)).isEmpty();
    }

    private static String lines(Set<Ref> refs) {
        return refs.stream().map(r -> "    " + r).collect(Collectors.joining("\n"));
    }

    /** Every entry names a public class and a public member that exists with that descriptor and kind. */
    @Test
    void everyEntryExists() throws Exception {
        ClassLoader loader = AllowListAgreementTest.class.getClassLoader();
        List<String> wrong = new ArrayList<>();
        for (Ref r : AllowedReferences.all()) {
            String type = r.owner().startsWith("[") ? Type.getType(r.owner()).getElementType().getClassName() : r.owner().replace('/', '.');
            Class<?> owner;
            try {
                owner = Class.forName(type, false, loader);
            } catch (ClassNotFoundException e) {
                wrong.add(r + ": no such class");
                continue;
            }
            if (!Modifier.isPublic(owner.getModifiers())) {
                wrong.add(r + ": the class is not public");
            }
            if (!r.kind().isMember()) {
                boolean ok = switch (r.kind()) {
                    case NEW -> !owner.isInterface() && !Modifier.isAbstract(owner.getModifiers());
                    case CATCH -> Throwable.class.isAssignableFrom(owner);
                    case EXTENDS -> !owner.isInterface() && !Modifier.isFinal(owner.getModifiers());
                    case IMPLEMENTS -> owner.isInterface();
                    default -> true;
                };
                if (!ok) {
                    wrong.add(r + ": the class cannot be used that way");
                }
                continue;
            }
            if (r.kind().isField()) {
                Field f = findField(owner, r.name());
                boolean isStatic = r.kind() == Kind.GETSTATIC || r.kind() == Kind.PUTSTATIC;
                boolean writes = r.kind() == Kind.PUTFIELD || r.kind() == Kind.PUTSTATIC;
                if (f == null || !Type.getDescriptor(f.getType()).equals(r.desc()) || !Modifier.isPublic(f.getModifiers())
                        || Modifier.isStatic(f.getModifiers()) != isStatic || (writes && Modifier.isFinal(f.getModifiers()))) {
                    wrong.add(r + ": no such accessible field");
                }
                continue;
            }
            if (r.name().equals("<init>")) {
                boolean found = Stream.of(owner.getConstructors()).anyMatch(c -> Type.getConstructorDescriptor(c).equals(r.desc()));
                if (r.kind() != Kind.INVOKESPECIAL || !found) {
                    wrong.add(r + ": no such public constructor");
                }
                continue;
            }
            Method m = Stream.of(owner.getMethods())
                    .filter(x -> x.getName().equals(r.name()) && Type.getMethodDescriptor(x).equals(r.desc())).findFirst().orElse(null);
            boolean ok = m != null && switch (r.kind()) {
                case INVOKESTATIC -> Modifier.isStatic(m.getModifiers());
                case INVOKEINTERFACE -> owner.isInterface() && !Modifier.isStatic(m.getModifiers());
                case INVOKEVIRTUAL -> !owner.isInterface() && !Modifier.isStatic(m.getModifiers());
                default -> false;
            };
            if (!ok) {
                wrong.add(r + ": no such public method for that instruction");
            }
        }
        assertThat(wrong).isEmpty();
    }

    private static Field findField(Class<?> owner, String name) {
        try {
            return owner.getField(name);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    /**
     * No entry, nor any type in an entry's descriptor, is a class that defines or loads classes, reflects, runs
     * threads or processes, or does I/O; nor Chicory's compiler, WASI or linking machinery. (The audit of what each
     * listed member does is in AllowedReferences' comments; this keeps whole dangerous families off mechanically.)
     */
    @Test
    void noEntryNamesADangerousClass() {
        List<String> forbiddenPrefixes = List.of("java/lang/reflect/", "java/lang/invoke/", "java/io/", "java/nio/",
                "java/net/", "java/security/", "java/util/concurrent/", "java/util/function/", "java/util/stream/",
                "java/util/ServiceLoader", "java/beans/", "javax/", "jdk/", "sun/", "com/sun/", "java/rmi/", "java/sql/",
                "java/lang/management/", "java/lang/ref/", "java/lang/module/", "com/dylibso/chicory/compiler/",
                "com/dylibso/chicory/wasi/", "com/dylibso/chicory/experimental/", "org/objectweb/");
        Set<String> forbidden = Set.of("java/lang/Class", "java/lang/ClassLoader", "java/lang/Thread", "java/lang/ThreadGroup",
                "java/lang/ThreadLocal", "java/lang/System", "java/lang/Runtime", "java/lang/Process", "java/lang/ProcessBuilder",
                "java/lang/ProcessHandle", "java/lang/Module", "java/lang/ModuleLayer", "java/lang/StackWalker",
                "java/lang/SecurityManager", "java/lang/Package", "com/dylibso/chicory/runtime/Store",
                "com/dylibso/chicory/runtime/HostFunction", "com/dylibso/chicory/runtime/Instance$Builder",
                "com/dylibso/chicory/runtime/ImportValues$Builder");
        List<String> bad = new ArrayList<>();
        for (Ref r : AllowedReferences.all()) {
            List<String> named = new ArrayList<>();
            named.add(r.owner().startsWith("[") ? Type.getType(r.owner()).getElementType().getInternalName() : r.owner());
            if (r.desc() != null) {
                AllowedReferences.descriptorTypes(r.desc()).forEach(t -> named.add(t.getInternalName()));
            }
            for (String n : named) {
                if (forbidden.contains(n) || forbiddenPrefixes.stream().anyMatch(n::startsWith)) {
                    bad.add(r + " names " + n);
                }
            }
        }
        assertThat(bad).isEmpty();
        assertThat(AllowedReferences.all()).noneMatch(r -> r.name() != null
                && Set.of("defineClass", "loadClass", "forName", "getClass", "newInstance", "invoke", "exec").contains(r.name()));
    }

    /** The class loader resolves what the list names and nothing else of the JDK, Chicory or the runtime. */
    @Test
    void theLoaderResolvesExactlyTheListedClasses() throws Exception {
        var loader = new io.llmtestbench.runtime.internal.load.PluginClassLoader("t", java.util.Map.of());
        for (String n : AllowedReferences.resolvableNames()) {
            assertThat(loader.loadClass(n.replace('/', '.'))).as(n).isNotNull();
        }
        for (String n : List.of("java.lang.Thread", "java.lang.Class", "java.lang.invoke.MethodHandles", "java.lang.Runtime",
                "com.dylibso.chicory.compiler.internal.Compiler", "com.dylibso.chicory.runtime.Store",
                "io.llmtestbench.runtime.PluginSystem", "io.llmtestbench.runtime.internal.exec.Interrupted",
                "java.util.ServiceLoader", "java.lang.reflect.Proxy", "sun.misc.Unsafe")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.loadClass(n)).as(n)
                    .isInstanceOf(ClassNotFoundException.class);
        }
    }
}
