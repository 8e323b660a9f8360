import io.llmtestbench.compiler.*;
import java.nio.file.*;
public class Sizes { public static void main(String[] a) throws Exception {
  byte[] wasm = Files.readAllBytes(Path.of(a[0]));
  var m = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(true));
  long sum = 0; int n = 0, max = 0;
  for (var x : CompilationReport.methodsOf(m.classes())) if (x.method().startsWith("func_")) { sum += x.bytecodeBytes(); n++; max = Math.max(max, x.bytecodeBytes()); }
  System.out.println(a[0] + ": " + n + " methods, " + sum + " bytes metered, largest " + max);
}}
