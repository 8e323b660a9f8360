package io.llmtestbench.compiler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.compiler.CompilationReport;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.WasmCompiler;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * {@link ClassFiles#codeLengths} reads class files in place, decoding only the strings it uses (issue #16 point 4):
 * it gives what a reader of the whole constant pool gives (the one it replaced, kept here as the reference) for the
 * classes generated for real plugins and for the JDK's and our own class files, names outside ASCII included; and a
 * method's wasm function is what the pattern {@code func_(\d+)(\$\d+)?} says.
 */
class ClassFilesTest {

    @Test
    void codeLengthsAreWhatTheWholeConstantPoolReaderReads() throws Exception {
        int classes = 0;
        for (String plugin : List.of("echo", "similarity-evaluator")) {
            byte[] wasm = Files.readAllBytes(Path.of(System.getProperty("llmtb.testplugins.dir", "../test-plugins/wasm"), plugin + ".wasm"));
            for (Map.Entry<String, byte[]> c : WasmCompiler.compile(wasm, CompilerOptions.defaults()).classes().entrySet()) {
                assertThat(ClassFiles.codeLengths(c.getValue())).as(c.getKey()).containsExactlyEntriesOf(reference(c.getValue()));
                classes++;
            }
        }
        for (Class<?> k : List.of(String.class, java.util.HashMap.class, ClassFiles.class, WasmCompiler.class, CompilationReport.class)) {
            byte[] bytes;
            try (var in = k.getResourceAsStream("/" + k.getName().replace('.', '/') + ".class")) {
                bytes = in.readAllBytes();
            }
            assertThat(ClassFiles.codeLengths(bytes)).as(k.getName()).containsExactlyEntriesOf(reference(bytes));
            classes++;
        }
        byte[] unicode = classWithMethods("m\u00e9thode", "\u540d\u524d", "plain", "z\u0000ero");
        assertThat(ClassFiles.codeLengths(unicode)).containsExactlyEntriesOf(reference(unicode))
                .containsKeys("m\u00e9thode()V", "\u540d\u524d()V", "plain()V", "z\u0000ero()V");
        assertThat(classes).isGreaterThan(6);
    }

    @Test
    void aTruncatedClassFileIsRefused() {
        byte[] whole = classWithMethods("a", "b");
        for (int cut : new int[] {10, whole.length / 2, whole.length - 3}) { // (the class attributes after the methods are not read)
            assertThatThrownBy(() -> ClassFiles.codeLengths(Arrays.copyOf(whole, cut))).as("cut at " + cut)
                    .isInstanceOfAny(java.io.UncheckedIOException.class, IllegalArgumentException.class);
        }
    }

    @Test
    void aMethodsWasmFunctionIsWhatThePatternSays() throws Exception {
        Pattern func = Pattern.compile("func_(\\d+)(\\$\\d+)?");
        var wasmFunction = CompilationReport.class.getDeclaredMethod("wasmFunction", String.class);
        wasmFunction.setAccessible(true);
        for (String name : List.of("func_0", "func_12", "func_12$3", "func_", "func_$1", "func_1$", "func_1$x", "func_1x",
                "func_1$2$3", "xfunc_1", "func_007", "<init>", "call_indirect_0", "func_\u0661", "func_1$\u0662", "FUNC_1")) {
            Matcher m = func.matcher(name);
            assertThat(wasmFunction.invoke(null, name)).as(name).isEqualTo(m.matches() ? Integer.parseInt(m.group(1)) : -1);
        }
    }

    /** The reader {@link ClassFiles#codeLengths} replaced: every Utf8 of the pool decoded, through DataInputStream. */
    private static Map<String, Integer> reference(byte[] classFile) throws IOException {
        try (var in = new DataInputStream(new ByteArrayInputStream(classFile))) {
            in.readInt();
            in.readUnsignedShort();
            in.readUnsignedShort();
            int poolCount = in.readUnsignedShort();
            String[] utf8 = new String[poolCount];
            for (int i = 1; i < poolCount; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        i++;
                    }
                    case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                    case 15 -> in.skipNBytes(3);
                    default -> throw new IllegalArgumentException("bad constant pool tag " + tag);
                }
            }
            in.skipNBytes(6);
            in.skipNBytes(2L * in.readUnsignedShort());
            int fields = in.readUnsignedShort();
            for (int f = 0; f < fields; f++) {
                in.skipNBytes(6);
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    in.skipNBytes(2);
                    in.skipNBytes(in.readInt());
                }
            }
            int methods = in.readUnsignedShort();
            Map<String, Integer> result = new LinkedHashMap<>();
            for (int m = 0; m < methods; m++) {
                in.skipNBytes(2);
                String name = utf8[in.readUnsignedShort()];
                String desc = utf8[in.readUnsignedShort()];
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    String attrName = utf8[in.readUnsignedShort()];
                    int length = in.readInt();
                    if ("Code".equals(attrName)) {
                        in.skipNBytes(4);
                        result.put(name + desc, in.readInt());
                        in.skipNBytes(length - 8L);
                    } else {
                        in.skipNBytes(length);
                    }
                }
            }
            return result;
        }
    }

    /** A class with a field and these methods (static, void, each a few instructions long). */
    private static byte[] classWithMethods(String... names) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "t/C", null, "java/lang/Object", null);
        cw.visitField(Opcodes.ACC_STATIC, "f", "I", null, 7).visitEnd();
        int n = 0;
        for (String name : names) {
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, name, "()V", null, null);
            mv.visitCode();
            for (int i = 0; i <= n; i++) {
                mv.visitInsn(Opcodes.NOP);
            }
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
            n++;
        }
        cw.visitEnd();
        return cw.toByteArray();
    }
}
