package io.llmtestbench.runtime.tamper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginExecutionException;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.PluginLoadException.Stage;
import io.llmtestbench.runtime.PluginSystem;
import io.llmtestbench.runtime.TestPlugins;
import io.llmtestbench.runtime.internal.load.PluginClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.SimpleRemapper;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Real compiled plugin jars, tampered with as an attacker would with ASM and a zip tool (re-hashing the manifest,
 * as anyone can for an unsigned jar): payloads in static initializers and in wasm functions, extra classes,
 * renamed packages, swapped modules, stamp edits, code that fails to link or blows the stack or the heap. Every
 * payload is first shown to work outside the sandbox (it creates its marker file); in a jar it is refused at
 * load and its marker never appears; and the same {@link PluginSystem} keeps loading and running a clean plugin
 * after every refusal.
 */
class TamperedJarTest {
    private static final String ID = "echo";

    @TempDir
    static Path tmp;

    private static JarKit echo;
    private static Path cleanJar;
    private static PluginSystem system;

    enum Site { STATIC_INITIALIZER, WASM_FUNCTION }

    @BeforeAll
    static void setUp() throws Exception {
        echo = JarKit.compile(ID);
        cleanJar = echo.write(tmp.resolve("clean.jar"));
        system = TestPlugins.system();
    }

    @AfterAll
    static void tearDown() {
        system.close();
    }

    /** The host is fine: a clean plugin still loads and runs in the same system. */
    private static void hostStillWorks() {
        PluginId id = system.loadPlugin(cleanJar);
        assertThat(system.executePlugin(id, PluginInput.of("{\"still\":\"fine\"}")).data().path("still").asText()).isEqualTo("fine");
        system.unloadPlugin(id);
    }

    private static PluginLoadException refused(Path jar, Stage stage, String... mentions) {
        PluginLoadException[] caught = new PluginLoadException[1];
        assertThatThrownBy(() -> system.loadPlugin(jar)).isInstanceOfSatisfying(PluginLoadException.class, e -> {
            caught[0] = e;
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PLUGIN);
            assertThat(e.stage()).as(e.getMessage()).isEqualTo(stage);
            if (mentions.length > 0) {
                assertThat(List.of(mentions)).as(e.getMessage()).anyMatch(m -> e.getMessage().contains(m));
            }
        });
        hostStillWorks();
        return caught[0];
    }

    // ---- payloads -----------------------------------------------------------------------------------------

    /** Each payload, run outside the sandbox (a plain class loader under the application's), creates its marker. */
    @ParameterizedTest
    @EnumSource(Payload.class)
    void everyPayloadWorksOutsideTheSandbox(Payload p) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(p != Payload.JNI_SYSTEM_LOAD || Payload.nativeToolchain(),
                "no C compiler to build the JNI payload's library");
        Path marker = tmp.resolve("control-" + p);
        var host = new ClassNode();
        host.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, "llmtb/control/Host" + p.ordinal(), null, "java/lang/Object", null);
        Map<String, byte[]> classes = new HashMap<>();
        p.install(host, marker.toString(), (name, node) -> classes.put(name.replace('/', '.'), JarKit.bytes(node)));
        classes.put(host.name.replace('/', '.'), JarKit.bytes(host));
        ClassLoader loader = new ClassLoader(TamperedJarTest.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = classes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        };
        loader.loadClass(host.name.replace('/', '.')).getMethod("llmtb$payload").invoke(null);
        assertThat(marker).as("the payload is live").exists();
    }

    static Stream<Arguments> payloadsAndSites() {
        List<Arguments> out = new ArrayList<>();
        for (Payload p : Payload.values()) {
            for (Site s : Site.values()) {
                out.add(Arguments.of(p, s));
            }
        }
        return out.stream();
    }

    /** The echo plugin's jar with {@code p} in its main class, called from {@code site}. */
    private static JarKit withPayload(Payload p, Site site, Path marker) {
        JarKit k = echo.copy();
        String main = k.mainClass(ID);
        String stamp = k.classStamp(ID);
        ClassNode host = k.node(main);
        p.install(host, marker.toString(), (name, node) -> {
            JarKit.stamp(node, stamp);
            k.addClass(ID, name.replace('/', '.'), JarKit.bytes(node), true);
        });
        var call = new MethodInsnNode(Opcodes.INVOKESTATIC, host.name, "llmtb$payload", "()V", false);
        if (site == Site.STATIC_INITIALIZER) {
            MethodNode clinit = new MethodNode(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
            clinit.instructions.add(call);
            clinit.instructions.add(new InsnNode(Opcodes.RETURN));
            host.methods.add(clinit);
        } else {
            for (String n : k.classNames(ID)) {
                if (n.equals(main) || !n.contains("FuncGroup")) {
                    continue;
                }
                ClassNode group = k.node(n);
                for (MethodNode m : group.methods) {
                    if (m.name.matches("func_\\d+")) {
                        m.instructions.insert(new MethodInsnNode(Opcodes.INVOKESTATIC, host.name, "llmtb$payload", "()V", false));
                    }
                }
                k.put(n, group);
            }
        }
        k.put(main, host);
        k.rehash(ID);
        return k;
    }

    @ParameterizedTest
    @MethodSource("payloadsAndSites")
    void aPayloadInATamperedJarIsRefusedAndNeverRuns(Payload p, Site site) throws Exception {
        Path marker = tmp.resolve("marker-" + p + "-" + site);
        Path jar = withPayload(p, site, marker).write(tmp.resolve(p + "-" + site + ".jar"));
        List<String> mentions = new ArrayList<>(p.forbidden);
        if (site == Site.STATIC_INITIALIZER) {
            mentions.add(STATIC_INITIALIZER_REFUSED); // whichever of the two rules the check meets first
        }
        refused(jar, Stage.INVALID, mentions.toArray(String[]::new));
        assertThat(marker).doesNotExist();
    }

    /**
     * The class loader is a second wall: the same tampered classes, defined without the verifier, cannot resolve
     * what their payload needs, so running them fails with a LinkageError and the marker never appears.
     */
    @ParameterizedTest
    @EnumSource(Payload.class)
    void theClassLoaderAloneStopsEveryPayload(Payload p) throws Exception {
        Path marker = tmp.resolve("loader-" + p);
        JarKit k = withPayload(p, Site.STATIC_INITIALIZER, marker);
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (String n : k.classNames(ID)) {
            classes.put(n, k.files.get(JarKit.path(n)));
        }
        var loader = new PluginClassLoader("unverified", classes);
        assertThatThrownBy(() -> Class.forName(k.mainClass(ID), true, loader)).isInstanceOf(LinkageError.class);
        assertThat(marker).doesNotExist();
    }

    // ---- extra classes, names and packages ------------------------------------------------------------------

    /** A class that writes the marker when initialised (references off the list, as any payload needs). */
    private static ClassNode extraClass(String internalName, Path marker, String stamp) {
        var node = new ClassNode();
        node.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, internalName, null, "java/lang/Object", null);
        MethodNode run = JarKit.staticMethod(node, "run");
        Payload.writeMarker(run.instructions, marker.toString());
        run.instructions.add(new InsnNode(Opcodes.RETURN));
        JarKit.stamp(node, stamp);
        return node;
    }

    /** The echo jar whose main class calls {@code owner.run()} first thing in its constructor. */
    private static JarKit callingFromMain(JarKit k, String owner) {
        String main = k.mainClass(ID);
        ClassNode host = k.node(main);
        JarKit.callFromConstructor(host, owner, "run");
        k.put(main, host);
        k.rehash(ID);
        return k;
    }

    private static String pkg(JarKit k) {
        String main = k.mainClass(ID).replace('.', '/');
        return main.substring(0, main.lastIndexOf('/') + 1);
    }

    @Test
    void anExtraClassListedInTheManifestIsVerifiedLikeTheOthers() throws Exception {
        Path marker = tmp.resolve("listed");
        JarKit k = echo.copy();
        String extra = pkg(k) + "Extra";
        k.addClass(ID, extra.replace('/', '.'), JarKit.bytes(extraClass(extra, marker, k.classStamp(ID))), true);
        k.rehash(ID);
        refused(k.write(tmp.resolve("listed.jar")), Stage.INVALID, "Extra", "java.io.FileOutputStream");
        // also when the main class calls it
        callingFromMain(k, extra);
        refused(k.write(tmp.resolve("listed-called.jar")), Stage.INVALID, "java.io.FileOutputStream");
        assertThat(marker).doesNotExist();
    }

    /** The host crash: a class the jar does not list, named in its own package, was a NoClassDefFoundError. */
    @Test
    void aReferenceToAClassTheManifestDoesNotListIsRefusedNamingIt() throws Exception {
        Path marker = tmp.resolve("unlisted");
        JarKit k = echo.copy();
        String extra = pkg(k) + "Unlisted";
        k.addClass(ID, extra.replace('/', '.'), JarKit.bytes(extraClass(extra, marker, k.classStamp(ID))), false);
        callingFromMain(k, extra);
        var e = refused(k.write(tmp.resolve("unlisted.jar")), Stage.INVALID, extra.replace('/', '.') + ".run()V");
        assertThat(e.getMessage()).contains("not on the allow-list");
        // a class that is nowhere at all, likewise (under Chicory's packages too)
        refused(callingFromMain(echo.copy(), pkg(k) + "Ghost").write(tmp.resolve("ghost.jar")), Stage.INVALID,
                "Ghost.run()V");
        refused(callingFromMain(echo.copy(), "com/dylibso/chicory/runtime/Ghost").write(tmp.resolve("ghost2.jar")),
                Stage.INVALID, "com.dylibso.chicory.runtime.Ghost.run()V");
        assertThat(marker).doesNotExist();
    }

    /** A class file in the jar that no manifest lists and nothing references is not part of the plugin: ignored. */
    @Test
    void anUnlistedUnreferencedClassIsNeverDefined() throws Exception {
        Path marker = tmp.resolve("bystander");
        JarKit k = echo.copy();
        String extra = pkg(k) + "Bystander";
        k.addClass(ID, extra.replace('/', '.'), JarKit.bytes(extraClass(extra, marker, k.classStamp(ID))), false);
        PluginId id = system.loadPlugin(k.write(tmp.resolve("bystander.jar")));
        assertThat(system.executePlugin(id, PluginInput.of("[1]")).data().size()).isEqualTo(1);
        var loader = system.describePlugin(id); // loaded fine
        assertThat(loader).isNotNull();
        system.unloadPlugin(id);
        assertThat(marker).doesNotExist();
    }

    /** Every class moved to another package, consistently: still just generated code, so it loads and runs. */
    @Test
    void aConsistentlyRenamedPackageLoadsAndRuns() throws Exception {
        JarKit k = renamePackage(echo.copy(), "com/acme/plugins/");
        PluginId id = system.loadPlugin(k.write(tmp.resolve("renamed.jar")));
        assertThat(system.executePlugin(id, PluginInput.of("{\"a\":1}")).data().path("a").asInt()).isEqualTo(1);
        system.unloadPlugin(id);
    }

    @Test
    void packagesOfTheJdkChicoryAndTheRuntimeAreRefused() throws Exception {
        for (String reserved : List.of("java/lang/", "javax/evil/", "com/dylibso/chicory/runtime/", "io/llmtestbench/runtime/internal/exec/",
                "sun/misc/", "jdk/internal/")) {
            refused(renamePackage(echo.copy(), reserved).write(tmp.resolve("reserved.jar")), Stage.INVALID, "reserved");
        }
    }

    @Test
    void classesSplitOverTwoPackagesAreRefused() throws Exception {
        // a second class of the plugin's (stamped, listed, called by nothing), in a package of its own
        JarKit k = echo.copy();
        String moved = "llmtb/elsewhere/Extra";
        k.addClass(ID, moved.replace('/', '.'), JarKit.bytes(extraClass(moved, tmp.resolve("split"), k.classStamp(ID))), true);
        k.rehash(ID);
        refused(k.write(tmp.resolve("split.jar")), Stage.INVALID, "not in the main class's package");
    }

    /** A jar class named like a class the runtime provides (here Chicory's OpcodeImpl) would shadow it: refused. */
    @Test
    void aClassNamedLikeAnAllowedClassIsRefused() throws Exception {
        Path marker = tmp.resolve("shadow");
        JarKit k = echo.copy();
        String shadow = "com/dylibso/chicory/runtime/OpcodeImpl";
        k.addClass(ID, shadow.replace('/', '.'), JarKit.bytes(extraClass(shadow, marker, k.classStamp(ID))), true);
        k.rehash(ID);
        refused(k.write(tmp.resolve("shadow.jar")), Stage.INVALID, "package", "OpcodeImpl");
        assertThat(marker).doesNotExist();
    }

    private static JarKit renamePackage(JarKit k, String newPrefix) {
        Map<String, String> mapping = new HashMap<>();
        for (String n : k.classNames(ID)) {
            String internal = n.replace('.', '/');
            mapping.put(internal, newPrefix + internal.substring(internal.lastIndexOf('/') + 1));
        }
        remap(k, mapping);
        return k;
    }

    /** Renames classes (internal names) everywhere: files, references, the manifest's list and main class. */
    private static void remap(JarKit k, Map<String, String> mapping) {
        ObjectNode m = k.manifest(ID);
        ObjectNode classes = m.putObject("classes");
        for (String n : k.classNames(ID)) {
            byte[] b = k.files.remove(JarKit.path(n));
            var out = new ClassNode();
            new org.objectweb.asm.ClassReader(b).accept(new ClassRemapper(out, new SimpleRemapper(mapping)), 0);
            String newName = out.name.replace('/', '.');
            byte[] nb = JarKit.bytes(out);
            k.files.put(JarKit.path(newName), nb);
            classes.put(newName, "");
        }
        String main = m.path("mainClass").asText().replace('.', '/');
        m.put("mainClass", mapping.getOrDefault(main, main).replace('/', '.'));
        k.manifest(ID, m);
        k.rehash(ID);
    }

    // ---- binding: module, source, stamps ------------------------------------------------------------------

    /** The unbound data: another plugin's module.wasm with a re-hashed manifest ran silently. */
    @Test
    void anotherPluginsModuleIsRefused() throws Exception {
        JarKit two = JarKit.compile(ID, "text-normalizer");
        JarKit k = two.copy();
        k.files.put(JarKit.dir(ID) + PluginArtifact.MODULE, two.files.get(JarKit.dir("text-normalizer") + PluginArtifact.MODULE));
        k.rehash(ID);
        Path jar = k.write(tmp.resolve("swapped.jar"));
        PluginLoadException e = refusedFromMany(jar, Stage.INVALID);
        assertThat(e.getMessage()).contains("compiled for another module.wasm");
    }

    private static PluginLoadException refusedFromMany(Path jar, Stage stage) {
        PluginLoadException[] caught = new PluginLoadException[1];
        assertThatThrownBy(() -> system.loadPlugin(jar, ID, io.llmtestbench.runtime.LoadOptions.defaults()))
                .isInstanceOfSatisfying(PluginLoadException.class, e -> {
                    caught[0] = e;
                    assertThat(e.stage()).as(e.getMessage()).isEqualTo(stage);
                });
        hostStillWorks();
        return caught[0];
    }

    @Test
    void aModuleEditedInPlaceIsRefused() throws Exception {
        JarKit k = echo.copy();
        byte[] module = k.files.get(JarKit.dir(ID) + PluginArtifact.MODULE);
        module[module.length - 1] ^= 1; // a data byte near the end
        k.rehash(ID);
        refused(k.write(tmp.resolve("edited-module.jar")), Stage.INVALID, "compiled for another module.wasm");
    }

    @Test
    void aZipBombIsRefusedAsItIsReadAndNeverHeldWhole() throws Exception {
        // nine classes of 32 MiB of zeros each, listed in the manifest with their true SHA-256: 288 MiB together in
        // a jar of ~300 KB. Each file was bounded alone, so twelve of 256 MiB ran a 1 GB host out of heap; now a
        // plugin's files are bounded together and the read stops at the bound
        int count = 9;
        int size = 32 << 20;
        byte[] chunk = new byte[1 << 20];
        var sha = java.security.MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < size / chunk.length; i++) {
            sha.update(chunk);
        }
        String zeros = java.util.HexFormat.of().formatHex(sha.digest());
        JarKit k = echo.copy();
        ObjectNode m = k.manifest(ID);
        String pkg = pkg(k);
        for (int i = 0; i < count; i++) {
            ((ObjectNode) m.get("classes")).put(pkg.replace('/', '.') + "Zeros" + i, zeros);
        }
        k.manifest(ID, m);
        Path jar = tmp.resolve("zip-bomb.jar");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            for (var f : k.files.entrySet()) {
                zip.putNextEntry(new java.util.zip.ZipEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeEntry();
            }
            for (int i = 0; i < count; i++) {
                zip.putNextEntry(new java.util.zip.ZipEntry(pkg + "Zeros" + i + ".class"));
                for (int c = 0; c < size / chunk.length; c++) {
                    zip.write(chunk);
                }
                zip.closeEntry();
            }
        }
        assertThat(Files.size(jar)).isLessThan(1 << 20);
        refused(jar, Stage.UNREADABLE, "files are larger than " + PluginArtifact.MAX_FILE_BYTES + " bytes together");
        assertThatThrownBy(() -> PluginArtifact.readJar(jar)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("files are larger than " + PluginArtifact.MAX_FILE_BYTES + " bytes together");
    }

    @Test
    void aSwappedSourceModuleIsRefused() throws Exception {
        JarKit two = JarKit.compile(ID, "text-normalizer");
        JarKit k = two.copy();
        k.files.put(JarKit.dir(ID) + PluginArtifact.SOURCE, two.files.get(JarKit.dir("text-normalizer") + PluginArtifact.SOURCE));
        refusedFromMany(k.write(tmp.resolve("swapped-source.jar")), Stage.UNREADABLE);
    }

    @Test
    void stampEditsAreRefused() throws Exception {
        // the manifest claims another source module (and so another stamp) than the classes carry
        JarKit k = echo.copy();
        ObjectNode m = k.manifest(ID);
        String stamp = m.path("stamp").asText();
        m.put("stamp", stamp.replaceAll("sha256=[0-9a-f]+", "sha256=" + "0".repeat(64)));
        k.manifest(ID, m);
        refused(k.write(tmp.resolve("stamp1.jar")), Stage.UNREADABLE, "source.wasm does not match");
        // metering claimed off in the manifest, on in the classes
        k = echo.copy();
        m = k.manifest(ID);
        m.put("stamp", stamp.replace("metering=on", "metering=off"));
        k.manifest(ID, m);
        Path jar = k.write(tmp.resolve("stamp2.jar"));
        assertThatThrownBy(() -> system.loadPlugin(jar, io.llmtestbench.runtime.LoadOptions.builder().requireMetering(false).build()))
                .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(Stage.INVALID));
        hostStillWorks();
        // one class's stamp constant changed, or removed
        for (String newStamp : new String[] {"llmtb=0.0.0", null}) {
            k = echo.copy();
            List<String> names = k.classNames(ID);
            String victim = names.get(names.size() - 1);
            ClassNode node = k.node(victim);
            node.fields.removeIf(f -> f.name.equals(io.llmtestbench.compiler.internal.RuntimeContract.STAMP_FIELD));
            if (newStamp != null) {
                JarKit.stamp(node, newStamp);
            }
            k.put(victim, node);
            k.rehash(ID);
            refused(k.write(tmp.resolve("stamp3.jar")), Stage.INVALID, victim);
        }
    }

    // ---- code that fails to link, overflows the stack, exhausts the heap ------------------------------------

    /** Bytecode with only allowed references that the JVM's verifier rejects: refused at load, never a VerifyError later. */
    @Test
    void bytecodeTheJvmRejectsIsRefusedAtLoad() throws Exception {
        JarKit k = echo.copy();
        String main = k.mainClass(ID);
        ClassNode host = k.node(main);
        MethodNode bad = JarKit.staticMethod(host, "broken");
        bad.instructions.add(new InsnNode(Opcodes.POP)); // pops an empty stack
        bad.instructions.add(new InsnNode(Opcodes.RETURN));
        JarKit.stamp(host, k.classStamp(ID));
        var w = new org.objectweb.asm.ClassWriter(0);
        bad.maxStack = 1;
        host.accept(w);
        k.files.put(JarKit.path(main), w.toByteArray());
        k.rehash(ID);
        refused(k.write(tmp.resolve("verify.jar")), Stage.INVALID, "VerifyError", "do not link");
    }

    @Test
    void aTruncatedClassFileIsRefused() throws Exception {
        JarKit k = echo.copy();
        String victim = k.classNames(ID).get(0);
        byte[] b = k.files.get(JarKit.path(victim));
        k.files.put(JarKit.path(victim), java.util.Arrays.copyOf(b, b.length / 2));
        k.rehash(ID);
        refused(k.write(tmp.resolve("truncated.jar")), Stage.MALFORMED, "cannot be read");
    }

    /** Declarations host code might run outside the plugin's limits, or that the JVM would reject late. */
    @Test
    void nativeMethodsAndObjectOverridesAreRefused() throws Exception {
        String[][] cases = {{"finalize", "()V", "overrides java.lang.Object.finalize"}, {"toString", "()Ljava/lang/String;", "overrides"},
            {"nativeOne", "()V", "native"}};
        for (String[] c : cases) {
            JarKit k = echo.copy();
            String main = k.mainClass(ID);
            ClassNode host = k.node(main);
            boolean isNative = c[0].startsWith("native");
            var m = new MethodNode(Opcodes.ACC_PUBLIC | (isNative ? Opcodes.ACC_NATIVE | Opcodes.ACC_STATIC : 0), c[0], c[1], null, null);
            if (!isNative) {
                if (c[1].endsWith("V")) {
                    m.instructions.add(new InsnNode(Opcodes.RETURN));
                } else {
                    m.instructions.add(new LdcInsnNode("x"));
                    m.instructions.add(new InsnNode(Opcodes.ARETURN));
                }
            }
            host.methods.add(m);
            k.put(main, host);
            k.rehash(ID);
            refused(k.write(tmp.resolve("decl.jar")), Stage.INVALID, c[2]);
        }
    }

    /** The exported function {@code name}'s method in a generated class: its (class, method) names. */
    private static String[] exportMethod(JarKit k, String name) throws Exception {
        var module = Parser.parse(k.files.get(JarKit.dir(ID) + PluginArtifact.MODULE));
        int index = -1;
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            var e = module.exportSection().getExport(i);
            if (e.name().equals(name) && e.exportType() == ExternalType.FUNCTION) {
                index = (int) e.index();
            }
        }
        for (String n : k.classNames(ID)) {
            for (MethodNode m : k.node(n).methods) {
                if (m.name.equals("func_" + index)) {
                    return new String[] {n, m.name};
                }
            }
        }
        throw new IllegalStateException("no method for " + name);
    }

    /** Rewrites the start of plugin_execute's method (allowed references only) and loads the jar. */
    private static PluginId withExecutePrefix(String file, Consumer<InsnList> prefix) throws Exception {
        JarKit k = echo.copy();
        String[] target = exportMethod(k, "plugin_execute");
        ClassNode node = k.node(target[0]);
        for (MethodNode m : node.methods) {
            if (m.name.equals(target[1])) {
                InsnList code = new InsnList();
                prefix.accept(code);
                m.instructions.insert(code);
            }
        }
        k.put(target[0], node);
        k.rehash(ID);
        return system.loadPlugin(k.write(tmp.resolve(file)));
    }

    private static void failsAtRun(PluginId id, ErrorKind kind, String mentions) {
        failsAtRun(id, kind, mentions, 2);
    }

    private static void failsAtRun(PluginId id, ErrorKind kind, String mentions, int times) {
        for (int i = 0; i < times; i++) { // and again: the failed instance was discarded, the plugin still answers typed
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                    .isInstanceOfSatisfying(PluginExecutionException.class, e -> {
                        assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
                        assertThat(e.getMessage()).contains(mentions);
                    });
        }
        system.unloadPlugin(id);
        hostStillWorks();
    }

    /** new long[Integer.MAX_VALUE - 8]: an OutOfMemoryError in plugin code is MEMORY_LIMIT, and the host lives on. */
    @Test
    void aHeapExhaustingAllocationIsAMemoryLimitFailure() throws Exception {
        PluginId id = withExecutePrefix("oom.jar", c -> {
            c.add(new LdcInsnNode(Integer.MAX_VALUE - 8));
            c.add(new IntInsnNode(Opcodes.NEWARRAY, Opcodes.T_LONG));
            c.add(new InsnNode(Opcodes.POP));
        });
        failsAtRun(id, ErrorKind.MEMORY_LIMIT, "heap");
    }

    /** A function calling itself before any depth check: a StackOverflowError in plugin code is a TRAP. */
    @Test
    void unmeteredRecursionIsATrap() throws Exception {
        JarKit k = echo.copy();
        String[] target = exportMethod(k, "plugin_execute");
        ClassNode node = k.node(target[0]);
        for (MethodNode m : node.methods) {
            if (m.name.equals(target[1])) {
                InsnList c = new InsnList();
                // a big frame (256 local slots) so that the 512 MiB guest stack overflows in a fraction of a second
                c.add(new InsnNode(Opcodes.LCONST_0));
                c.add(new VarInsnNode(Opcodes.LSTORE, 254));
                var args = org.objectweb.asm.Type.getArgumentTypes(m.desc);
                int slot = 0;
                for (var a : args) {
                    c.add(new VarInsnNode(a.getOpcode(Opcodes.ILOAD), slot));
                    slot += a.getSize();
                }
                c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, node.name, m.name, m.desc, false));
                c.add(new InsnNode(org.objectweb.asm.Type.getReturnType(m.desc).getSize() == 2 ? Opcodes.POP2 : Opcodes.POP));
                m.instructions.insert(c);
            }
        }
        k.put(target[0], node);
        k.rehash(ID);
        PluginId id = system.loadPlugin(k.write(tmp.resolve("recursion.jar")));
        failsAtRun(id, ErrorKind.TRAP, "call stack exhausted", 1);
    }

    /** What the check says of a class with a static initializer. */
    private static final String STATIC_INITIALIZER_REFUSED = "has a static initializer, which the compiler never generates";

    /**
     * A static initializer, whatever it does, is refused before any class is defined: the compiler generates none,
     * and one would run plugin code at class initialisation, outside any instance, its deadline and its thread. The
     * bodies stand for what such code did when it was allowed: threw at first use (a LinkageError later, while
     * running), allocated a 16 GiB array, recursed without end (tens of seconds on a guest thread's 512 MiB stack),
     * or nothing at all.
     */
    @ParameterizedTest
    @ValueSource(strings = {"throws", "allocates", "recurses", "returns"})
    void aStaticInitializerIsRefusedBeforeAnyCodeRuns(String body) throws Exception {
        JarKit k = echo.copy();
        String main = k.mainClass(ID);
        ClassNode host = k.node(main);
        MethodNode clinit = new MethodNode(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
        switch (body) {
            case "throws":
                var trap = io.llmtestbench.compiler.internal.RuntimeContract.TRAP_UNREACHABLE; // an allowed reference
                clinit.instructions.add(new MethodInsnNode(Opcodes.INVOKESTATIC, trap.owner(), trap.name(), trap.descriptor(), false));
                clinit.instructions.add(new InsnNode(Opcodes.ATHROW));
                break;
            case "allocates":
                clinit.instructions.add(new LdcInsnNode(Integer.MAX_VALUE - 8));
                clinit.instructions.add(new IntInsnNode(Opcodes.NEWARRAY, Opcodes.T_LONG));
                clinit.instructions.add(new InsnNode(Opcodes.POP));
                clinit.instructions.add(new InsnNode(Opcodes.RETURN));
                break;
            case "recurses":
                JarKit.selfRecursive(host, "deeper");
                clinit.instructions.add(new MethodInsnNode(Opcodes.INVOKESTATIC, host.name, "deeper", "()V", false));
                clinit.instructions.add(new InsnNode(Opcodes.RETURN));
                break;
            default:
                clinit.instructions.add(new InsnNode(Opcodes.RETURN));
        }
        host.methods.add(clinit);
        k.put(main, host);
        k.rehash(ID);
        Path jar = k.write(tmp.resolve("clinit-" + body + ".jar"));
        long t0 = System.nanoTime();
        var e = refused(jar, Stage.INVALID, STATIC_INITIALIZER_REFUSED);
        assertThat(e.getMessage()).contains(main, "<clinit>");
        refused(jar, Stage.INVALID, STATIC_INITIALIZER_REFUSED); // and again
        assertThat(System.nanoTime() - t0).as("refused without running anything").isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(20));
    }

    /** A static initializer in a class of the jar other than the main class (first used while running): refused too. */
    @Test
    void aStaticInitializerInAnotherClassIsRefusedAtLoad() throws Exception {
        JarKit k = echo.copy();
        String lazy = pkg(k) + "Lazy";
        var node = new ClassNode();
        node.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, lazy, null, "java/lang/Object", null);
        MethodNode clinit = new MethodNode(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
        clinit.instructions.add(new InsnNode(Opcodes.RETURN));
        node.methods.add(clinit);
        MethodNode touch = JarKit.staticMethod(node, "run");
        touch.instructions.add(new InsnNode(Opcodes.RETURN));
        JarKit.stamp(node, k.classStamp(ID));
        k.addClass(ID, lazy.replace('/', '.'), JarKit.bytes(node), true);
        String[] target = exportMethod(k, "plugin_execute");
        ClassNode group = k.node(target[0]);
        for (MethodNode m : group.methods) {
            if (m.name.equals(target[1])) {
                m.instructions.insert(new MethodInsnNode(Opcodes.INVOKESTATIC, lazy, "run", "()V", false));
            }
        }
        k.put(target[0], group);
        k.rehash(ID);
        var e = refused(k.write(tmp.resolve("lazy.jar")), Stage.INVALID, STATIC_INITIALIZER_REFUSED);
        assertThat(e.getMessage()).contains(lazy.replace('/', '.'));
    }

    /**
     * Real heap exhaustion (not one oversized array) by plugin code, at run time and in the main class's constructor, in
     * a JVM of its own with a 96 MiB heap ({@link HeapExhaustionMain}): MEMORY_LIMIT at run (twice), INVALID_PLUGIN
     * at load, and then the same system loads and runs a clean plugin.
     */
    @Test
    void exhaustingTheHeapIsTypedAndTheHostKeepsWorking() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var pb = new ProcessBuilder(javaBin, "-Xmx96m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "-Dllmtb.testplugins.dir=" + TestPlugins.dir().toAbsolutePath(), HeapExhaustionMain.class.getName());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out).contains("run: MEMORY_LIMIT", "run again: MEMORY_LIMIT", "load: INVALID_PLUGIN", "host: ok");
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void theErrorsAreTypedForTheAsyncCallerToo() throws Exception {
        PluginId id = withExecutePrefix("oom-async.jar", c -> {
            c.add(new LdcInsnNode(Integer.MAX_VALUE - 8));
            c.add(new IntInsnNode(Opcodes.NEWARRAY, Opcodes.T_LONG));
            c.add(new InsnNode(Opcodes.POP));
        });
        assertThatThrownBy(() -> system.executePluginAsync(id, PluginInput.of("{}")).join())
                .hasCauseInstanceOf(PluginException.class);
        system.unloadPlugin(id);
        hostStillWorks();
    }

    /** Sanity of the kit: the untouched jar loads. */
    @Test
    void theUntamperedJarLoads() throws Exception {
        hostStillWorks();
        assertThat(Files.size(cleanJar)).isPositive();
    }
}
