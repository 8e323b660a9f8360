import io.llmtestbench.runtime.*;
import java.nio.file.*;
import sun.jvmstat.monitor.*;
public class Probe {
  static MonitoredVm vm;
  static String[] K = {"sun.cls.classVerifyTime.self","sun.cls.classVerifyTime","sun.cls.defineAppClassTime.self","sun.cls.classLinkedTime.self","sun.cls.parseClassTime.self","sun.cls.classInitTime.self","sun.cls.time","sun.cls.appClassLoadTime"};
  static long[] snap() throws Exception { long[] r = new long[K.length]; for (int i=0;i<K.length;i++){ Monitor m = vm.findByName(K[i]); r[i] = m==null?-1:((Number)m.getValue()).longValue(); } return r; }
  static void diff(String what, long[] a, long[] b, long cpu) { StringBuilder s=new StringBuilder(what+": cpu "+cpu/1000000+" ms;"); for(int i=0;i<K.length;i++) s.append(" ").append(K[i].substring(8)).append("=").append(String.format("%.1f",(b[i]-a[i])/1e6)); System.out.println(s); }
  public static void main(String[] a) throws Exception {
    vm = MonitoredHost.getMonitoredHost("localhost").getMonitoredVm(new VmIdentifier("" + ProcessHandle.current().pid()));
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    String input = "{\"text\":\"The capital of France is Paris, which has been the seat of government since the Capetian kings.\",\"expected\":\"Paris is the capital of France.\",\"id\":\"case-0042\",\"tags\":[\"geo\",\"qa\"]}";
    for (int round = 0; round < 3; round++) {
      PluginSystem system = PluginSystem.builder().cacheDir(Path.of(a[1])).build();
      long[] s0 = snap(); long c0 = mx.getCurrentThreadCpuTime();
      PluginId id = system.loadPlugin(Path.of(a[0]));
      long[] s1 = snap(); long c1 = mx.getCurrentThreadCpuTime();
      system.executePlugin(id, PluginInput.of(input));
      long[] s2 = snap(); long c2 = mx.getCurrentThreadCpuTime();
      diff("round " + round + " load", s0, s1, c1-c0); diff("round " + round + " exec", s1, s2, c2-c1);
      system.close();
    }
  }
}
