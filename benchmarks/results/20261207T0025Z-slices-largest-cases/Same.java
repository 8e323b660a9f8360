import io.llmtestbench.compiler.*;
import java.nio.file.*; import java.util.*;
import org.objectweb.asm.*; import org.objectweb.asm.tree.*; import org.objectweb.asm.util.*;
import java.io.*;
public class Same { public static void main(String[] a) throws Exception {
  for (String f : a) { byte[] wasm = Files.readAllBytes(Path.of(f));
    StringBuilder sb = new StringBuilder(Path.of(f).getFileName().toString());
    for (boolean met : new boolean[]{true,false}) {
      var m = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(met));
      StringWriter sw = new StringWriter(); PrintWriter pw = new PrintWriter(sw);
      for (var e : new TreeMap<>(m.classes()).entrySet()) {
        ClassNode cn = new ClassNode(); new ClassReader(e.getValue()).accept(cn, 0);
        cn.methods.sort(Comparator.comparing((MethodNode x) -> x.name + x.desc));
        for (MethodNode mn : cn.methods) { if (!mn.name.startsWith("func_")) continue;
          Textifier t = new Textifier(); TraceMethodVisitor tv = new TraceMethodVisitor(t); mn.accept(tv); pw.println(mn.name + mn.desc.replaceAll("llmtb/gen/[^/]*/", "")); t.print(pw); }
      }
      pw.flush(); String text = sw.toString().replaceAll("llmtb/gen/[a-z0-9]+/", "");
      sb.append(met?" M ":" U ").append(Integer.toHexString(text.hashCode()));
    }
    System.out.println(sb);
  }
}}
