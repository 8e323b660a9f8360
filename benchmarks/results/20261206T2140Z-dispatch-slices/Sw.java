import io.llmtestbench.compiler.*;
import org.objectweb.asm.*;
import org.objectweb.asm.tree.*;
import java.nio.file.*;
public class Sw {
  public static void main(String[] a) throws Exception {
    var m = WasmCompiler.compile(Files.readAllBytes(Path.of(a[0])), CompilerOptions.defaults().withMetering(true));
    for (var c : m.classes().values()) { ClassNode cn = new ClassNode(); new ClassReader(c).accept(cn, 0);
      for (MethodNode mn : cn.methods) for (var insn : mn.instructions) {
        if (insn instanceof TableSwitchInsnNode ts) System.out.println(mn.name + " tableswitch " + ts.labels.size());
        if (insn instanceof LookupSwitchInsnNode ls) System.out.println(mn.name + " lookupswitch " + ls.labels.size());
        if (insn instanceof MethodInsnNode mi && mi.name.contains("$")) System.out.println(mn.name + " calls " + mi.name);
      }}
  }
}
