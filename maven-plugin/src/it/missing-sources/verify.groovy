// Point 4 of the goal's contract: inputs that are missing fail loudly when they were configured.
def log = new File(basedir, 'build.log').text.replaceAll(/\u001B\[[0-9;]*m/, '')
def expect = { String text, String what -> assert text.contains(what): "expected in the build log: $what" }
def expectNot = { String text, String what -> assert !text.contains(what): "not expected in the build log: $what" }
def expectMatch = { String text, String regex -> assert text =~ regex: "no match in the build log for: $regex" }
def builds = log.split(/(?m)^.*Scanning for projects.*$/).drop(1)
assert builds.size() == 2: "expected two builds in build.log, found ${builds.size()}"

def first = builds[0]
expectMatch(first, /Failed to execute goal io\.llmtestbench:llmtb-maven-plugin:[^ ]+:wasm-compile \(default\) on project typo: No wasm modules to compile: src\/main\/wsam does not exist \(failOnMissingSources is true because wasmDirectory is set explicitly/)
expect(first, '[INFO] No wasm modules to compile: src/main/wasm does not exist')
expectMatch(first, /empty \.+ SUCCESS/)

def second = builds[1]
expect(second, '[INFO] No wasm modules to compile: src/main/wsam does not exist')
expect(second, 'BUILD SUCCESS')
assert !new File(basedir, 'typo/target/classes/META-INF/llmtb/index.json').exists()
return true
