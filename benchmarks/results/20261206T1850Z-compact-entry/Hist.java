import io.llmtestbench.compiler.*;
import org.objectweb.asm.*;
import org.objectweb.asm.tree.*;
import java.nio.file.*;
import java.util.*;
public class Hist {
  public static void main(String[] a) throws Exception {
    for (String f : a) {
      byte[] wasm = Files.readAllBytes(Path.of(f));
      StringBuilder sb = new StringBuilder(Path.of(f).getFileName().toString());
      for (boolean metering : new boolean[]{true,false}) {
        var m = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(metering));
        long total=0; int le35=0, le325=0, n=0, max=0;
        for (var c : m.classes().entrySet()) {
          ClassNode cn = new ClassNode(); new ClassReader(c.getValue()).accept(cn, 0);
          for (MethodNode mn : cn.methods) {
            if (!mn.name.startsWith("func_")) continue;
            int size = Sizes.codeSize(c.getValue(), mn.name, mn.desc);
            total += size; n++; if (size<=35) le35++; if (size<=325) le325++; max=Math.max(max,size);
          }
        }
        sb.append(String.format(" | %s bytes=%d methods=%d <=35:%d <=325:%d max=%d", metering?"M":"U", total, n, le35, le325, max));
      }
      System.out.println(sb);
    }
  }
}
