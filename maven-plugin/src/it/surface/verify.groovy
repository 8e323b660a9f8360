// Point 5 of the goal's contract: includes/excludes properties, "Compiling N" counts what is compiled, one
// cache entry per (plugin, settings) so that toggling metering does not recompile, and a help goal whose
// parameter docs read well.
import io.llmtestbench.compiler.PluginArtifact

def log = new File(basedir, 'build.log').text.replaceAll(/\u001B\[[0-9;]*m/, '')
def expect = { String text, String what -> assert text.contains(what): "expected in the build log: $what" }
def expectNot = { String text, String what -> assert !text.contains(what): "not expected in the build log: $what" }
def expectMatch = { String text, String regex -> assert text =~ regex: "no match in the build log for: $regex" }
def builds = log.split(/(?m)^.*Scanning for projects.*$/).drop(1)
assert builds.size() == 6: "expected six builds in build.log, found ${builds.size()}"

expect(builds[0], 'Compiling 1 wasm module(s) from src/main/wasm into target/generated-resources/llmtb (metering on)')
expect(builds[0], '1 plugin(s) in META-INF/llmtb/index.json: 1 compiled, 0 up to date')

expect(builds[1], '1 module(s) up to date, not recompiled: a.wasm')
expect(builds[1], 'Compiling 1 wasm module(s) from src/main/wasm')
expect(builds[1], '2 plugin(s) in META-INF/llmtb/index.json: 1 compiled, 1 up to date')

expect(builds[2], 'Compiling 2 wasm module(s) from src/main/wasm into target/generated-resources/llmtb (metering off)')
expect(builds[3], '2 plugin(s) in META-INF/llmtb/index.json: 0 compiled, 2 up to date')
expectNot(builds[3], 'wasm module(s) from')
expect(builds[4], '2 plugin(s) in META-INF/llmtb/index.json: 0 compiled, 2 up to date')
expectNot(builds[4], 'wasm module(s) from')
def plugins = PluginArtifact.readJar(new File(basedir, 'target/surface-1.0.jar').toPath())
assert plugins*.id() == ['a', 'b']
assert plugins.every { !it.stamp().metering() }

// llmtb:help -Ddetail: every goal, and parameter docs in plain sentences (no markup eaten by the renderer).
def help = builds[5]
['llmtb:help', 'llmtb:wasm-compile', 'llmtb:wasm-test-compile'].each { assert help.contains(it): "help lacks $it" }
def flat = help.readLines().collect { it.replaceFirst(/^\[INFO\]\s*/, '').trim() }.join(' ').replaceAll(/\s+/, ' ')
expect(flat, 'Each plugin element has a file (a file name, or a path relative to wasmDirectory) and any of: id')
expect(flat, 'checkAbi (default true; false builds a module that the runtime will refuse')
expect(flat, 'User property: llmtb.includes')
expect(flat, 'User property: llmtb.testIncludes')
expect(flat, 'Default: true when wasmDirectory is set, false when it is the default src/main/wasm.')
expectNot(flat, '{@code')
return true
