import org.objectweb.asm.*;
import java.nio.file.*; import java.util.*;
public class Groups {
  public static void main(String[] a) throws Exception {
    Set<String> touched = new HashSet<>();
    for (String l : Files.readAllLines(Path.of(a[1]))) if (l.startsWith("llmtb/gen")) touched.add(l.substring(l.indexOf('.')+1));
    ClassReader cr = new ClassReader(Files.readAllBytes(Path.of(a[0])));
    TreeMap<Integer,int[]> fn = new TreeMap<>(); // index -> {bytes, touched}
    long[] other = new long[2];
    cr.accept(new ClassVisitor(Opcodes.ASM9) {
      public MethodVisitor visitMethod(int acc, String n, String d, String s, String[] e) {
        String key = n + ":" + d;
        var ev = new org.objectweb.asm.commons.CodeSizeEvaluator(null);
        return new MethodVisitor(Opcodes.ASM9, ev) { public void visitEnd() {
          int size = ev.getMaxSize(); boolean t = touched.contains(key);
          if (n.startsWith("func_")) { int end = n.indexOf('$'); int idx = Integer.parseInt(n.substring(5, end < 0 ? n.length() : end));
            int[] f = fn.computeIfAbsent(idx, k -> new int[2]); f[0] += size; if (t) f[1] = 1; }
          else { other[0] += size; if (t) other[1]++; }
        }};
      }
    }, 0);
    System.out.println("functions " + fn.size() + " other bytes " + other[0]);
    for (int g : new int[]{4000, 8000, 16000, 32000, 64000}) {
      long cur = 0, tot = 0, reached = 0; int groups = 0, tg = 0; boolean gt = false;
      for (var e : fn.entrySet()) { cur += e.getValue()[0]; gt |= e.getValue()[1] == 1;
        if (cur >= g) { groups++; if (gt) { reached += cur; tg++; } tot += cur; cur = 0; gt = false; } }
      if (cur > 0) { groups++; if (gt) { reached += cur; tg++; } tot += cur; }
      System.out.println("group " + g + ": groups " + groups + " reached " + tg + " bytes reached " + reached + " of " + tot);
    }
  }
}
