import java.nio.file.*;
public class Phase2 {
  static java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
  static long c = mx.getCurrentThreadCpuTime();
  static void p(String s){ long n=mx.getCurrentThreadCpuTime(); System.out.printf("%s %.1f  ", s, (n-c)/1e6); c=n; }
  public static void main(String[] a) throws Exception {
    p("init");
    String v = io.llmtestbench.compiler.WasmCompiler.VERSION; p("WasmCompiler.clinit");
    io.llmtestbench.compiler.internal.JsonTrees.read("{\"a\":1}".getBytes()); p("json");
    java.security.MessageDigest.getInstance("SHA-256"); p("shaProvider");
    byte[] b = new byte[500_000];
    io.llmtestbench.compiler.WasmCompiler.sha256(java.util.Arrays.copyOf(b, 154_000)); p("sha154k");
    io.llmtestbench.compiler.WasmCompiler.sha256(java.util.Arrays.copyOf(b, 347_000)); p("sha347k");
    io.llmtestbench.compiler.WasmCompiler.sha256(java.util.Arrays.copyOf(b, 347_000)); p("sha347k");
    var entries = io.llmtestbench.compiler.PluginArtifact.readJar(Path.of(a[0])); p("readJar");
    Class.forName("io.llmtestbench.runtime.internal.load.ReferenceVerdicts"); p("verdicts.clinit");
    System.out.println();
  }
}
