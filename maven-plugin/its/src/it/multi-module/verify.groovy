// The multi-module example of maven-plugin/README.md: the plugins module's jar is a pre-compiled plugin jar,
// and the consumer's test discovered and ran its plugin from the class path (a pre-compiled "jar" origin:
// nothing compiled at run time).
import java.util.jar.JarFile

def log = new File(basedir, 'build.log').text.replaceAll(/\u001B\[[0-9;]*m/, '')
def expect = { String text, String what -> assert text.contains(what): "expected in the build log: $what" }
def expectNot = { String text, String what -> assert !text.contains(what): "not expected in the build log: $what" }
def expectMatch = { String text, String regex -> assert text =~ regex: "no match in the build log for: $regex" }
expect(log, "Compiled echo.wasm -> plugin 'echo'")
expect(log, 'Tests run: 1, Failures: 0, Errors: 0, Skipped: 0')
expect(log, 'BUILD SUCCESS')
new JarFile(new File(basedir, 'plugins/target/evaluation-plugins-1.0.jar')).withCloseable { jar ->
    assert jar.getEntry('META-INF/llmtb/index.json') != null
    assert jar.getEntry('META-INF/llmtb/plugins/echo/module.wasm') != null
}
return true
