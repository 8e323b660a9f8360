import io.llmtestbench.runtime.*;
import java.nio.file.*;
public class First {
  public static void main(String[] a) throws Exception {
    var mx = java.lang.management.ManagementFactory.getThreadMXBean(); long c0 = mx.getCurrentThreadCpuTime(); long t0 = System.nanoTime();
    String input = "{\"text\":\"The capital of France is Paris, which has been the seat of government since the Capetian kings.\",\"expected\":\"Paris is the capital of France.\",\"id\":\"case-0042\",\"tags\":[\"geo\",\"qa\"]}";
    PluginSystem.Builder b = PluginSystem.builder();
    if (a.length > 1) b.cacheDir(a[1].equals("none") ? null : Path.of(a[1]));
    PluginSystem system = b.build();
    long t1 = System.nanoTime(); long c1 = mx.getCurrentThreadCpuTime();
    PluginId id = system.loadPlugin(Path.of(a[0]));
    long t2 = System.nanoTime(); long c2 = mx.getCurrentThreadCpuTime();
    PluginOutput out = system.executePlugin(id, PluginInput.of(input));
    long t3 = System.nanoTime(); long c3 = mx.getCurrentThreadCpuTime();
    long main = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    long proc = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    System.out.printf("cpu: pre %.0f build %.0f load %.0f exec %.0f | ", c0/1e6, (c1-c0)/1e6, (c2-c1)/1e6, (c3-c2)/1e6); System.out.printf("build %.1f load %.1f exec %.1f total %.1f ms; main cpu %.0f proc cpu %.0f%n", (t1-t0)/1e6, (t2-t1)/1e6, (t3-t2)/1e6, (t3-t0)/1e6, main/1e6, proc/1e6);
    system.close();
    if (System.getenv("HOLD") != null) { System.out.println(ProcessHandle.current().pid()); Thread.sleep(4000); }
  }
}
