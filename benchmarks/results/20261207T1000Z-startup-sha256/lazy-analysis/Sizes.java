import org.objectweb.asm.*;
import java.nio.file.*; import java.util.*;
public class Sizes {
  public static void main(String[] a) throws Exception {
    Set<String> touched = new HashSet<>();
    for (String l : Files.readAllLines(Path.of(a[1]))) { int d = l.indexOf('.'); if (l.startsWith("llmtb/gen")) touched.add(l.substring(l.indexOf('.')+1)); }
    byte[] b = Files.readAllBytes(Path.of(a[0]));
    ClassReader cr = new ClassReader(b);
    long[] tot = new long[4];
    cr.accept(new ClassVisitor(Opcodes.ASM9) {
      public MethodVisitor visitMethod(int acc, String n, String d, String s, String[] e) {
        String key = n + ":" + d;
        return new MethodVisitor(Opcodes.ASM9) {
          Label start = new Label(); int size;
          public void visitCode(){}
          public void visitMaxs(int x,int y){}
        };
      }
    }, 0);
    // code lengths via raw: use ClassReader offsets
    Map<String,Integer> len = new LinkedHashMap<>();
    cr.accept(new ClassVisitor(Opcodes.ASM9) {
      public MethodVisitor visitMethod(int acc, String n, String d, String s, String[] e) {
        String key = n + ":" + d;
        return new MethodVisitor(Opcodes.ASM9, new org.objectweb.asm.tree.MethodNode(Opcodes.ASM9, acc, n, d, s, e)) {
          public void visitEnd() { var mn = (org.objectweb.asm.tree.MethodNode) mv; mn.visitEnd();
            var cw = new ClassWriter(0); cw.visit(Opcodes.V17, 0, "X", null, "java/lang/Object", null); mn.accept(cw);
            // approximate: code size via CodeSizeEvaluator
            var ev = new org.objectweb.asm.commons.CodeSizeEvaluator(null); mn.accept(ev); len.put(key, ev.getMaxSize()); }
        };
      }
    }, 0);
    long all=0, t=0; int nt=0; List<Integer> sizes=new ArrayList<>();
    for (var e : len.entrySet()) { all += e.getValue(); if (touched.contains(e.getKey())) { t += e.getValue(); nt++; } }
    System.out.println("methods " + len.size() + " code bytes " + all + "; touched " + nt + " code bytes " + t);
    len.entrySet().stream().sorted((x,y)->y.getValue()-x.getValue()).limit(15).forEach(e -> System.out.println(e.getValue() + " " + e.getKey() + (touched.contains(e.getKey())?" T":"")));
  }
}
