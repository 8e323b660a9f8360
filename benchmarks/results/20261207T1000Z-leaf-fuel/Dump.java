import io.llmtestbench.compiler.*;
import java.nio.file.*;
public class Dump { public static void main(String[] a) throws Exception {
  byte[] wasm = Files.readAllBytes(Path.of(a[0]));
  var m = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(Boolean.parseBoolean(a[1])));
  for (var c : m.classes().entrySet()) { Path p = Path.of(a[2], c.getKey().replace('.', '/') + ".class"); Files.createDirectories(p.getParent()); Files.write(p, c.getValue()); }
}}
