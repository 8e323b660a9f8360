package io.llmtestbench.runtime.internal.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.Attribute;
import org.objectweb.asm.ByteVector;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.TypeReference;

/**
 * The class-reference check reads code with its own reader ({@link ClassFileCode}), one pass over the bytes with each
 * distinct reference judged once per class. These prove it reads what the JVM executes: no instruction hides behind a
 * switch's padding or a {@code wide} prefix, a reference judged once in one method is judged again where the rule
 * depends on the method (a final field's write), and code attributes it does not know are refused.
 */
class ClassFileCodeTest {
    private static final String NAME = "p/Plugin";

    private static byte[] plugin(Consumer<MethodVisitor> body, boolean finalField, Consumer<ClassWriter> more) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, NAME, null, "java/lang/Object", null);
        cw.visitField(Opcodes.ACC_PRIVATE | (finalField ? Opcodes.ACC_FINAL : 0), "x", "I", null, null).visitEnd();
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitInsn(Opcodes.ICONST_1);
        init.visitFieldInsn(Opcodes.PUTFIELD, NAME, "x", "I");
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor m = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "run", "(I)I", null, null);
        m.visitCode();
        body.accept(m);
        m.visitMaxs(0, 0);
        m.visitEnd();
        more.accept(cw);
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static Optional<String> check(byte[] classFile) {
        return ClassReferenceVerifier.firstViolation(Map.of(NAME.replace('/', '.'), classFile), NAME.replace('/', '.'));
    }

    /** {@code pad} nops, a tableswitch, a lookupswitch, wide local accesses, then (if asked) a call off the list. */
    private static Consumer<MethodVisitor> switches(int pad, boolean exit) {
        return m -> {
            for (int i = 0; i < pad; i++) {
                m.visitInsn(Opcodes.NOP);
            }
            Label a = new Label(), b = new Label(), c = new Label(), d = new Label(), e = new Label();
            m.visitVarInsn(Opcodes.ILOAD, 0);
            m.visitTableSwitchInsn(0, 2, c, a, b, c);
            m.visitLabel(a);
            m.visitVarInsn(Opcodes.ILOAD, 0);
            m.visitLookupSwitchInsn(e, new int[] {-7, 1000}, new Label[] {d, e});
            m.visitLabel(b);
            m.visitLabel(c);
            m.visitLabel(d);
            m.visitLabel(e);
            m.visitIincInsn(300, 1000); // wide iinc (a local past 255, an increment past a byte)
            m.visitVarInsn(Opcodes.ILOAD, 300); // wide iload
            m.visitInsn(Opcodes.POP);
            if (exit) {
                m.visitInsn(Opcodes.ICONST_0);
                m.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);
            }
            m.visitVarInsn(Opcodes.ILOAD, 0);
            m.visitInsn(Opcodes.IRETURN);
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void noInstructionHidesBehindSwitchPaddingOrWidePrefixes(int pad) {
        assertThat(check(plugin(switches(pad, false), false, cw -> {}))).isEmpty();
        assertThat(check(plugin(switches(pad, true), false, cw -> {})))
                .hasValueSatisfying(v -> assertThat(v).contains("java.lang.System.exit", "method run(I)I"));
    }

    @Test
    void aReferenceJudgedOnceIsJudgedAgainWhereTheRuleDependsOnTheMethod() {
        Consumer<MethodVisitor> write = m -> { // the same putfield <init> makes (allowed there), outside <init>
            m.visitTypeInsn(Opcodes.NEW, NAME);
            m.visitInsn(Opcodes.DUP);
            m.visitMethodInsn(Opcodes.INVOKESPECIAL, NAME, "<init>", "()V", false);
            m.visitInsn(Opcodes.ICONST_2);
            m.visitFieldInsn(Opcodes.PUTFIELD, NAME, "x", "I");
            m.visitInsn(Opcodes.ICONST_0);
            m.visitInsn(Opcodes.IRETURN);
        };
        assertThat(check(plugin(write, false, cw -> {}))).isEmpty();
        assertThat(check(plugin(write, true, cw -> {})))
                .hasValueSatisfying(v -> assertThat(v).contains("writes final field p.Plugin.x:I outside its class's initializer"));
    }

    @Test
    void codeAttributesOtherThanFramesAndDebugTablesAreRefused() {
        Consumer<MethodVisitor> unknown = m -> {
            m.visitInsn(Opcodes.ICONST_0);
            m.visitInsn(Opcodes.IRETURN);
            m.visitAttribute(new Attribute("Hidden") {
                @Override
                public boolean isCodeAttribute() {
                    return true;
                }

                @Override
                protected ByteVector write(org.objectweb.asm.ClassWriter w, byte[] code, int len, int maxStack, int maxLocals) {
                    return new ByteVector().putInt(42);
                }
            });
        };
        assertThat(check(plugin(unknown, false, cw -> {})))
                .hasValueSatisfying(v -> assertThat(v).contains("method run(I)I", "has annotations or unknown attributes"));
        Consumer<MethodVisitor> annotated = m -> {
            m.visitInsn(Opcodes.ICONST_0);
            m.visitInsnAnnotation(TypeReference.newTypeReference(TypeReference.CAST).getValue(), null, "Lp/A;", true).visitEnd();
            m.visitInsn(Opcodes.IRETURN);
        };
        assertThat(check(plugin(annotated, false, cw -> {}))).isPresent();
    }

    @Test
    void unreadableCodeIsRefused() {
        byte[] clean = plugin(switches(0, false), false, cw -> {});
        assertThat(check(clean)).isEmpty();
        // the tableswitch's opcode (0xaa) replaced by an opcode the JVM does not define (0xcb)
        byte[] bad = clean.clone();
        int at = indexOf(bad, (byte) Opcodes.TABLESWITCH);
        bad[at] = (byte) 0xcb;
        assertThat(check(bad)).hasValueSatisfying(v -> assertThat(v).contains("cannot be read"));
    }

    @Test
    void theStampIsTheFirstStringConstantOfAFieldOfThatName() {
        byte[] stamped = plugin(switches(1, false), false, cw -> {
            cw.visitField(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "S", "I", null, 7).visitEnd(); // same name, no string
            cw.visitField(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "S", "Ljava/lang/String;", null, "llmtb-stamp ü").visitEnd();
            cw.visitField(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "S", "Ljava/lang/Object;", null, "second").visitEnd();
        });
        assertThat(ClassFileCode.stringConstant(stamped, "S")).isEqualTo("llmtb-stamp ü");
        assertThat(ClassFileCode.stringConstant(stamped, "T")).isNull();
        byte[] truncated = java.util.Arrays.copyOf(stamped, stamped.length - 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClassFileCode.stringConstant(truncated, "S"))
                .isInstanceOf(RuntimeException.class);
        byte[] longer = java.util.Arrays.copyOf(stamped, stamped.length + 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClassFileCode.stringConstant(longer, "S"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The first tableswitch opcode: the first 0xaa after `iload_0` (0x1a) in the code of run. */
    private static int indexOf(byte[] b, byte op) {
        for (int i = 1; i < b.length; i++) {
            if (b[i] == op && b[i - 1] == (byte) 0x1a) {
                return i;
            }
        }
        throw new IllegalStateException("not found");
    }
}
