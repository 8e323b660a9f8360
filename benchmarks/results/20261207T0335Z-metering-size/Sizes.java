import io.llmtestbench.compiler.*;
import java.nio.file.*;
public class Sizes {
  public static void main(String[] a) throws Exception {
    byte[] wasm = Files.readAllBytes(Path.of(a[0]));
    var cm = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(!a[1].equals("unmetered")));
    java.util.Set<String> want = new java.util.HashSet<>(java.util.Arrays.asList(a).subList(2, a.length));
    for (var m : CompilationReport.methodsOf(cm.classes())) {
      String base = m.method().contains("$") ? m.method().substring(0, m.method().indexOf('$')) : m.method();
      if (want.isEmpty() || want.contains(base)) System.out.println(m.method() + " " + m.bytecodeBytes());
    }
  }
}
