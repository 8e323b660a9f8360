import io.llmtestbench.compiler.*;
import java.io.ByteArrayOutputStream;
public class Nest {
  static byte[] leb(int n){ var o=new ByteArrayOutputStream(); while(true){int b=n&0x7f; n>>>=7; if(n!=0) o.write(b|0x80); else {o.write(b); return o.toByteArray();}}}
  static byte[] sec(int id, byte[] b){ var o=new ByteArrayOutputStream(); o.write(id); o.writeBytes(leb(b.length)); o.writeBytes(b); return o.toByteArray();}
  static byte[] module(int d, String kind){
    var body=new ByteArrayOutputStream(); body.write(0);
    for(int i=0;i<d;i++){ if(kind.equals("block")){body.write(2);body.write(0x40);} else if(kind.equals("loop")){body.write(3);body.write(0x40);} else {body.write(0x41);body.write(1);body.write(4);body.write(0x40);} }
    for(int i=0;i<d;i++) body.write(0x0b);
    body.write(0x41); body.write(1); body.write(0x0b);
    byte[] bb=body.toByteArray();
    var m=new ByteArrayOutputStream(); m.writeBytes(new byte[]{0,'a','s','m',1,0,0,0});
    m.writeBytes(sec(1,new byte[]{1,0x60,0,1,0x7f})); m.writeBytes(sec(3,new byte[]{1,0}));
    var code=new ByteArrayOutputStream(); code.write(1); code.writeBytes(leb(bb.length)); code.writeBytes(bb);
    m.writeBytes(sec(10,code.toByteArray())); return m.toByteArray();
  }
  public static void main(String[] a) throws Exception {
    String kind=a[0];
    for (int i=1;i<a.length;i++){ int d=Integer.parseInt(a[i]); byte[] w=module(d,kind);
      Thread t=new Thread(null,()->{ long t0=System.nanoTime(); try { var c=WasmCompiler.compile(w, CompilerOptions.defaults()); System.out.printf("%s %d: %d ms, %d bytes of classes%n",kind,d,(System.nanoTime()-t0)/1000000, c.classes().values().stream().mapToInt(x->x.length).sum()); } catch(Throwable e){ System.out.printf("%s %d: %s after %d ms%n",kind,d,e.getClass().getSimpleName()+": "+String.valueOf(e.getMessage()).substring(0,Math.min(150,String.valueOf(e.getMessage()).length())),(System.nanoTime()-t0)/1000000);} },"c",Long.getLong("stack",1L<<30));
      t.start(); t.join(); }
  }
}
