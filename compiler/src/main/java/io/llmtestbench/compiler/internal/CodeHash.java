package io.llmtestbench.compiler.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * Checksums of a module's own class files that key what it remembers or stamps: the compiler's code hash in its
 * version stamp ({@code WasmCompiler.VERSION}) and the class-reference checker's in its remembered verdicts. They
 * are computed when the module is built ({@link #main}, run by Maven after compiling: {@code exec-maven-plugin} at
 * {@code process-classes}) and written into the module's classes as a resource, so that a fresh JVM reads one line
 * instead of reading and hashing dozens of class files through the class loader: a tenth of the time to a
 * pre-compiled jar's first result (issue #16 point 4). Each module's tests recompute the hash from the class files
 * the tests run with and compare ({@code WasmCompilerTest}, {@code CheckerHashTest}), so a stale resource
 * fails the build. Where no resource was built (classes compiled by an IDE), {@link #read} returns null and the
 * caller computes the hash itself, as before.
 */
public final class CodeHash {
    private CodeHash() {}

    /**
     * CRC-32 and Adler-32 (48 bits) of class files, by name relative to {@code anchor}'s package: not a security
     * boundary, a change detector that stays native code before the JIT has compiled anything.
     */
    public static String checksum(Class<?> anchor, List<String> classes) {
        var crc = new java.util.zip.CRC32();
        var adler = new java.util.zip.Adler32();
        for (String c : classes) {
            byte[] bytes = classFile(anchor, c);
            crc.update(bytes);
            adler.update(bytes);
        }
        return HexFormat.of().toHexDigits((int) crc.getValue()) + HexFormat.of().toHexDigits((short) adler.getValue());
    }

    /** Hex SHA-256 of the class files of {@code classes}, in order. */
    public static String sha256(List<Class<?>> classes) {
        MessageDigest d = Sha256.newDigest();
        for (Class<?> c : classes) {
            d.update(classFile(c, c.getSimpleName()));
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static byte[] classFile(Class<?> anchor, String relativeName) {
        String resource = relativeName.replace('.', '/') + ".class";
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("class file " + resource + " not found next to " + anchor.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the class file " + resource + ": " + e, e);
        }
    }

    /**
     * The value of {@code key} in the resource {@code name} next to {@code anchor}, or null when there is no such
     * resource (classes not built by Maven).
     */
    public static String read(Class<?> anchor, String name, String key) {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty(key);
        } catch (IOException e) {
            return null;
        }
    }

    /** The resource {@link #read} reads: {@code key=value} in {@code file}. */
    public static void write(Path file, String key, String value) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(("# generated when the module was built (CodeHash); its tests check it against the classes\n"
                    + key + "=" + value + "\n").getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * Writes the compiler's code hash: {@code args[0]} is the module's class output directory.
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        write(dir.resolve(COMPILER_RESOURCE_PATH), COMPILER_KEY, compilerCodeHash());
    }

    /** The resource holding the compiler's code hash, next to {@code WasmCompiler}. */
    public static final String COMPILER_RESOURCE = "code-hash.properties";
    private static final String COMPILER_RESOURCE_PATH = "io/llmtestbench/compiler/" + COMPILER_RESOURCE;
    /** Its key. */
    public static final String COMPILER_KEY = "compiler";

    /**
     * The classes that decide what generated code looks like, relative to the compiler's package: the generator
     * package whole (every class file of {@code internal.gen}, nested and anonymous ones included: the split planner
     * is {@code Splitter$Planner}, the tail-call trampolines {@code TailCalls}), the cost model, the runtime contract
     * and the code-shaping helpers. WasmCompilerTest checks that every class of the generator package is listed, so
     * a new generator class cannot be left out of the stamp.
     */
    public static final List<String> COMPILER_CLASSES = List.of(
            "WasmCompiler", "internal.CostModel", "internal.CostModel$Plan", "internal.RuntimeContract",
            "internal.RuntimeContract$Member", "internal.RuntimeContract$Member$Kind", "internal.BlockTypeIndices",
            "internal.FunctionReferences", "internal.FunctionReferences$1", "internal.gen.CountedLoops",
            "internal.gen.CountedLoops$1", "internal.gen.CountedLoops$Loop",
            "internal.gen.FunctionEmitter", "internal.gen.FunctionEmitter$1", "internal.gen.FunctionEmitter$Frame",
            "internal.gen.GenBackend", "internal.gen.GenBackend$1", "internal.gen.GenBackend$MachineEmitter",
            "internal.gen.GenBackend$MachineEmitter$Size", "internal.gen.GenBackend$Split", "internal.gen.GenBackend$Writer",
            "internal.gen.JvmTypes", "internal.gen.Layout", "internal.gen.ModuleInfo", "internal.gen.ModuleInfo$1",
            "internal.gen.Names", "internal.gen.Splitter", "internal.gen.Splitter$1", "internal.gen.Splitter$Item",
            "internal.gen.Splitter$Measure", "internal.gen.Splitter$Node", "internal.gen.Splitter$Plan",
            "internal.gen.Splitter$Planner", "internal.gen.Splitter$Region", "internal.gen.TailCalls");

    /** The compiler's code hash computed from its class files now ({@link #COMPILER_CLASSES}). */
    public static String compilerCodeHash() {
        return checksum(anchor(), COMPILER_CLASSES);
    }

    /** WasmCompiler's class object, without initialising it (its initialisation reads the resource). */
    private static Class<?> anchor() {
        try {
            return Class.forName("io.llmtestbench.compiler.WasmCompiler", false, CodeHash.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
