// An invalid module fails the build with a MojoFailureException naming the file and the reason
// (kind, function, offset), and no half-written artifact is left in target/classes.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log =~ /Cannot compile src\/main\/wasm\/broken\.wasm: INVALID: invalid module: function 1 \(code section, body at offset 0x[0-9a-f]+\): type mismatch/
assert log.contains('Failed to execute goal io.llmtestbench:llmtb-maven-plugin:')
assert !log.contains('good.wasm:')
assert !new File(basedir, 'target/classes/META-INF/llmtb/index.json').exists()
return true
