import org.objectweb.asm.*;
import java.nio.file.*; import java.util.*;
public class Frames {
  public static void main(String[] a) throws Exception {
    for (String f : a) {
    ClassReader cr = new ClassReader(Files.readAllBytes(Path.of(f)));
    long[] t = new long[6]; // frames, sum locals in frames, methods, sum maxLocals, code bytes, insns
    cr.accept(new ClassVisitor(Opcodes.ASM9) {
      public MethodVisitor visitMethod(int acc, String n, String d, String s, String[] e) {
        var ev = new org.objectweb.asm.commons.CodeSizeEvaluator(null);
        return new MethodVisitor(Opcodes.ASM9, ev) {
          public void visitFrame(int type, int nl, Object[] l, int ns, Object[] st) { t[0]++; t[1] += nl + ns; }
          public void visitMaxs(int ms, int ml) { t[2]++; t[3] += ml; }
          public void visitInsn(int op) { super.visitInsn(op); t[5]++; }
          public void visitEnd() { t[4] += ev.getMaxSize(); }
        };
      }
    }, ClassReader.EXPAND_FRAMES);
    System.out.printf("%s: methods %d code %d frames %d avg frame width %.1f avg maxLocals %.1f%n", f.replaceAll(".*/",""), t[2], t[4], t[0], t[1]/(double)t[0], t[3]/(double)t[2]);
    }
  }
}
