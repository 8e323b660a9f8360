import io.llmtestbench.compiler.*;
import org.objectweb.asm.*;
import org.objectweb.asm.tree.*;
import java.nio.file.*;
import java.util.*;
public class Cat {
  public static void main(String[] a) throws Exception {
    byte[] wasm = Files.readAllBytes(Path.of(a[0]));
    var m = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(true));
    long iinc=0, iincBytes=0, longChecks=0, refills=0, fuelStores=0, fuelLoads=0, enters=0, depthInline=0, total=0;
    for (var c : m.classes().entrySet()) {
      ClassNode cn = new ClassNode(); new ClassReader(c.getValue()).accept(cn, 0);
      for (MethodNode mn : cn.methods) {
        if (!mn.name.startsWith("func_")) continue;
        total += Sizes.codeSize(c.getValue(), mn.name, mn.desc);
        for (var in : mn.instructions) {
          if (in instanceof IincInsnNode ii && ii.incr < 0) { iinc++; iincBytes += (ii.var>255||ii.incr<-128)?6:3; }
          if (in instanceof FieldInsnNode f && f.owner.endsWith("Budget")) {
            if (f.name.equals("slices") && f.getOpcode()==Opcodes.GETFIELD) longChecks++;
            if (f.name.equals("fuel") && f.getOpcode()==Opcodes.PUTFIELD) fuelStores++;
            if (f.name.equals("fuel") && f.getOpcode()==Opcodes.GETFIELD) fuelLoads++;
            if (f.name.equals("maxDepth")) depthInline++;
          }
          if (in instanceof MethodInsnNode mi && mi.owner.endsWith("Meter")) { if (mi.name.equals("refill")) refills++; if (mi.name.equals("enter")) enters++; }
        }
      }
    }
    System.out.printf("total=%d iinc=%d (%d bytes) longChecks=%d shortChecks=%d fuelStores=%d fuelLoads=%d enter=%d inlineDepth=%d%n", total, iinc, iincBytes, longChecks, refills-longChecks, fuelStores, fuelLoads, enters, depthInline);
  }
}
