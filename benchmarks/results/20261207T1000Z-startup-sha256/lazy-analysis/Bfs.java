import org.objectweb.asm.*;
import java.nio.file.*; import java.util.*;
public class Bfs {
  static int idx(String n) { if (!n.startsWith("func_")) return -1; int e = n.indexOf('$'); return Integer.parseInt(n.substring(5, e < 0 ? n.length() : e)); }
  public static void main(String[] a) throws Exception {
    Set<String> touched = new HashSet<>();
    for (String l : Files.readAllLines(Path.of(a[1]))) if (l.startsWith("llmtb/gen")) touched.add(l.substring(l.indexOf('.')+1));
    ClassReader cr = new ClassReader(Files.readAllBytes(Path.of(a[0])));
    Map<Integer,int[]> fn = new TreeMap<>(); Map<String,Set<String>> calls = new HashMap<>();
    Map<Integer,LinkedHashSet<Integer>> g = new HashMap<>();
    cr.accept(new ClassVisitor(Opcodes.ASM9) {
      public MethodVisitor visitMethod(int acc, String n, String d, String s, String[] e) {
        String key = n + ":" + d; var ev = new org.objectweb.asm.commons.CodeSizeEvaluator(null);
        int me = idx(n); String src = me >= 0 ? "f" + me : n;
        return new MethodVisitor(Opcodes.ASM9, ev) {
          public void visitMethodInsn(int op, String o, String nm, String ds, boolean itf) { super.visitMethodInsn(op,o,nm,ds,itf);
            if (o.startsWith("llmtb/gen")) { int c = idx(nm); calls.computeIfAbsent(src, k -> new LinkedHashSet<>()).add(c >= 0 ? "f"+c : nm); } }
          public void visitEnd() { int size = ev.getMaxSize(); if (me >= 0) { int[] f = fn.computeIfAbsent(me, k -> new int[2]); f[0] += size; if (touched.contains(key)) f[1] = 1; } }
        };
      }
    }, 0);
    // BFS from exports
    List<Integer> order = new ArrayList<>(); Set<String> seen = new HashSet<>(); ArrayDeque<String> q = new ArrayDeque<>();
    for (String r : a[2].split(",")) { q.add("f" + r); seen.add("f"+r); }
    while (!q.isEmpty()) { String x = q.poll(); if (x.startsWith("f")) order.add(Integer.parseInt(x.substring(1)));
      for (String y : calls.getOrDefault(x, Set.of())) if (seen.add(y)) q.add(y); }
    for (int i : fn.keySet()) if (!order.contains(i)) order.add(i);
    System.out.println("bfs-reached functions: " + seen.stream().filter(s->s.startsWith("f")).count() + " of " + fn.size());
    for (int gs : new int[]{4000, 8000, 16000, 32000}) {
      long cur=0,reached=0,tot=0; int groups=0,tg=0; boolean gt=false;
      for (int i : order) { int[] f = fn.get(i); if (f == null) continue; cur += f[0]; gt |= f[1]==1;
        if (cur >= gs) { groups++; if (gt){reached+=cur;tg++;} tot+=cur; cur=0; gt=false; } }
      if (cur>0){groups++; if(gt){reached+=cur;tg++;} tot+=cur;}
      System.out.println("bfs group " + gs + ": groups " + groups + " reached " + tg + " bytes " + reached + " of " + tot);
    }
  }
}
