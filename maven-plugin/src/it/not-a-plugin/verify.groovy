// Point 1 of the goal's contract: a module that is not a plugin fails the build at build time, naming the
// file and the export or import, instead of landing in the jar and failing at run time.
import io.llmtestbench.compiler.PluginArtifact

def log = new File(basedir, 'build.log').text.replaceAll(/\u001B\[[0-9;]*m/, '')
def expect = { String text, String what -> assert text.contains(what): "expected in the build log: $what" }
def expectNot = { String text, String what -> assert !text.contains(what): "not expected in the build log: $what" }
def expectMatch = { String text, String regex -> assert text =~ regex: "no match in the build log for: $regex" }
def builds = log.split(/(?m)^.*Scanning for projects.*$/).drop(1)
assert builds.size() == 2: "expected two builds in build.log, found ${builds.size()}"
def first = builds[0]
def second = builds[1]

expect(first, 'BUILD FAILURE')
expect(first, '4 wasm modules cannot be built into plugins:')
expect(first, 'src/main/wasm/broken/no_execute.wasm: missing export `plugin_execute` (expected: (func (param i32 i32 i32 i32) (result i32)))')
expect(first, 'src/main/wasm/broken/mistyped_free.wasm: export `plugin_free` has signature (func (param i32)) (expected: (func (param i32 i32)))')
expect(first, 'src/main/wasm/broken/missiles.wasm: unknown import `env.host_launch_missiles`; the host provides host_log,')
expect(first, 'src/main/wasm/broken/future.wasm: metadata incompatible api_version 2.0: this host implements plugin ABI 1.')
assert !(first =~ /ERROR.*good\.wasm/): 'good.wasm was reported as an error'
expect(first, 'src/main/wasm/refused_on_purpose.wasm: ABI check off (checkAbi=false); the runtime will refuse this module: missing export `plugin_execute`')
assert !(first =~ /Building jar/): 'the failed build went on to the jar'

expect(second, 'BUILD SUCCESS')
def jar = new File(basedir, 'target/not-a-plugin-1.0.jar')
def plugins = PluginArtifact.readJar(jar.toPath())
assert plugins*.id() == ['good', 'refused_on_purpose']
return true
