import io.llmtestbench.compiler.*;
import org.objectweb.asm.*;
import org.objectweb.asm.tree.*;
import java.nio.file.*;
public class Count {
  public static void main(String[] a) throws Exception {
    for (String f : a) {
      var c = WasmCompiler.compile(Files.readAllBytes(Path.of(f)), CompilerOptions.defaults());
      int leaves = 0, enters = 0, total = 0;
      for (byte[] b : c.classes().values()) {
        var n = new ClassNode(); new ClassReader(b).accept(n, 0);
        for (MethodNode m : n.methods) {
          if (!m.name.startsWith("func_")) continue;
          total++;
          for (var i : m.instructions) if (i instanceof MethodInsnNode mi) {
            if (mi.name.equals("enterLeaf")) leaves++;
            if (mi.name.equals("enter")) enters++;
          }
        }
      }
      System.out.printf("%-20s methods %4d leaves %4d enter %4d%n", Path.of(f).getFileName(), total, leaves, enters);
    }
  }
}
