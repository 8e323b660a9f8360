import io.llmtestbench.compiler.*;
import java.nio.file.*; import java.util.*;
public class Parts { public static void main(String[] a) throws Exception {
  byte[] wasm = Files.readAllBytes(Path.of(a[0]));
  var m = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(Boolean.parseBoolean(System.getProperty("m","true"))));
  var map = new TreeMap<Integer, List<String>>();
  for (var x : CompilationReport.methodsOf(m.classes())) if (x.method().startsWith("func_")) {
    String n = x.method(); int f = Integer.parseInt(n.replaceAll("func_(\\d+).*", "$1"));
    if (n.contains("$")) map.computeIfAbsent(f, k -> new ArrayList<>()).add(n.substring(n.indexOf('$')) + "=" + x.bytecodeBytes());
    else map.computeIfAbsent(f, k -> new ArrayList<>()).add(0, "main=" + x.bytecodeBytes());
  }
  map.forEach((f, l) -> { if (l.size() > 1) System.out.println("func_" + f + " " + l); });
}}
