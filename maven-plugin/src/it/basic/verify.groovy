// The jar of a module using llmtb:wasm-compile is a pre-compiled plugin jar: one index listing both
// plugins, each plugin's plugin.json and module.wasm, the generated classes, and the module's own classes.
import com.fasterxml.jackson.databind.ObjectMapper
import io.llmtestbench.compiler.PluginArtifact
import java.util.jar.JarFile

def log = new File(basedir, 'build.log').text
assert log.contains("Compiled hello.wasm -> plugin 'hello-plugin' (com.example.gen.HelloPlugin,")
assert log.contains("Compiled nested/Greeter Two.wasm -> plugin 'greeter-two' (llmtb.gen.m")
assert log.contains('2 plugin(s) in META-INF/llmtb/index.json: 2 compiled, 0 up to date')

def jarFile = new File(basedir, 'target/basic-1.0.jar')
assert jarFile.isFile()
def names
def index
new JarFile(jarFile).withCloseable { jar ->
    names = jar.entries().toList().collect { it.name } as Set
    index = new ObjectMapper().readTree(jar.getInputStream(jar.getEntry('META-INF/llmtb/index.json')))
}
[
    'META-INF/llmtb/index.json',
    'META-INF/llmtb/plugins/hello-plugin/plugin.json',
    'META-INF/llmtb/plugins/hello-plugin/module.wasm',
    'META-INF/llmtb/plugins/greeter-two/plugin.json',
    'META-INF/llmtb/plugins/greeter-two/module.wasm',
    'com/example/gen/HelloPlugin.class',
    'com/example/App.class',
].each { assert names.contains(it): "the jar lacks $it; it has $names" }
assert index.path('format').asInt() == 1
assert index.path('plugins').collect { it.asText() } == ['hello-plugin', 'greeter-two']
// No raw inputs leak into the jar.
assert !names.any { it.endsWith('hello.wasm') || it.contains('Greeter Two') }

// Read it back the way the runtime does: every class and module.wasm checked against plugin.json's SHA-256s.
def plugins = PluginArtifact.readJar(jarFile.toPath())
assert plugins*.id == ['hello-plugin', 'greeter-two']
def hello = plugins[0]
def greeter = plugins[1]
assert hello.mainClass() == 'com.example.gen.HelloPlugin'
assert hello.sourceName() == 'hello.wasm'
assert hello.stamp().metering()
assert hello.stamp().wasmSha256() == PluginArtifact.class.classLoader.loadClass('io.llmtestbench.compiler.WasmCompiler')
        .sha256(new File(basedir, 'src/main/wasm/hello.wasm').bytes)
assert greeter.mainClass().startsWith('llmtb.gen.m')
assert greeter.sourceName() == 'nested/Greeter Two.wasm'
plugins.each { p ->
    assert p.classes().size() >= 1
    p.classes().keySet().each { c -> assert names.contains(c.replace('.', '/') + '.class') }
}
return true
