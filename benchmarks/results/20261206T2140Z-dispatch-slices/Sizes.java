import io.llmtestbench.compiler.*;
import org.objectweb.asm.*;
import org.objectweb.asm.tree.*;
import java.nio.file.*;
public class Sizes {
  public static void main(String[] a) throws Exception {
    byte[] wasm = Files.readAllBytes(Path.of(a[0]));
    for (boolean metering : new boolean[]{true,false}) {
      var m = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(metering));
      int total=0;
      for (var c : m.classes().entrySet()) {
        ClassNode cn = new ClassNode(); new ClassReader(c.getValue()).accept(cn, 0);
        for (MethodNode mn : cn.methods) {
          ClassWriter cw = new ClassWriter(0); 
          int size = codeSize(c.getValue(), mn.name, mn.desc);
          total += size;
          if (size > Integer.parseInt(a[1])) System.out.println((metering?"M ":"U ")+c.getKey()+" "+mn.name+mn.desc.substring(0,Math.min(40,mn.desc.length()))+" "+size);
        }
      }
      System.out.println((metering?"M":"U")+" total "+total);
    }
  }
  static int codeSize(byte[] cls, String name, String desc) {
    int[] r = new int[1];
    new ClassReader(cls).accept(new ClassVisitor(Opcodes.ASM9) {
      public MethodVisitor visitMethod(int acc, String n, String d, String s, String[] e) {
        if (!n.equals(name) || !d.equals(desc)) return null;
        return new MethodVisitor(Opcodes.ASM9) {
          Label start = new Label(); 
        };
      }
    }, 0);
    // compute via Attribute: parse raw
    ClassReader cr = new ClassReader(cls);
    return rawCode(cr, cls, name, desc);
  }
  static int rawCode(ClassReader cr, byte[] b, String name, String desc) {
    // walk methods in class file
    int u = cr.header + 8 + 2*cr.readUnsignedShort(cr.header+6);
    int fields = cr.readUnsignedShort(u); u+=2;
    for (int i=0;i<fields;i++){ u+=6; int ac=cr.readUnsignedShort(u); u+=2; for(int j=0;j<ac;j++){ u+=2; int len=cr.readInt(u); u+=4+len; } }
    int methods = cr.readUnsignedShort(u); u+=2;
    char[] buf = new char[cr.getMaxStringLength()];
    for (int i=0;i<methods;i++){
      String n = cr.readUTF8(u+2, buf), d = cr.readUTF8(u+4, buf); u+=6;
      int ac=cr.readUnsignedShort(u); u+=2;
      for(int j=0;j<ac;j++){ String an=cr.readUTF8(u,buf); int len=cr.readInt(u+2);
        if (an.equals("Code") && n.equals(name) && d.equals(desc)) return cr.readInt(u+6+4);
        u+=6+len; }
    }
    return -1;
  }
}
