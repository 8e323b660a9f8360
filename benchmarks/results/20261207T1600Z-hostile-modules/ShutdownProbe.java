import io.llmtestbench.runtime.*;
import java.nio.file.*;
public class P1 {
  public static void main(String[] a) throws Exception {
    long t0 = System.nanoTime();
    PluginSystem sys = PluginSystem.builder().build();
    PluginId id = sys.loadPlugin(Paths.get(a[0]), LoadOptions.builder().build());
    System.out.println("loaded " + (System.nanoTime()-t0)/1000000);
    try { System.out.println(sys.executePlugin(id, PluginInput.of("{}"))); } catch (PluginException e) { System.out.println("exec " + e.kind() + " " + e.getMessage()); }
    t0 = System.nanoTime();
    if (a.length > 1) { try { sys.unloadPlugin(id); System.out.println("unloaded " + (System.nanoTime()-t0)/1000000); } catch (Exception e) { System.out.println("unload " + e); } }
    t0 = System.nanoTime();
    sys.close();
    System.out.println("closed " + (System.nanoTime()-t0)/1000000);
  }
}
