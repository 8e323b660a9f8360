// Point 3 of the goal's contract: warnings only when they are news. A module's warnings are logged when it is
// compiled; a no-op build logs none; failOnWarning fails on the warnings of up-to-date modules too.
def log = new File(basedir, 'build.log').text.replaceAll(/\u001B\[[0-9;]*m/, '')
def expect = { String text, String what -> assert text.contains(what): "expected in the build log: $what" }
def expectNot = { String text, String what -> assert !text.contains(what): "not expected in the build log: $what" }
def expectMatch = { String text, String regex -> assert text =~ regex: "no match in the build log for: $regex" }
def builds = log.split(/(?m)^.*Scanning for projects.*$/).drop(1)
assert builds.size() == 4: "expected four builds in build.log, found ${builds.size()}"
def warning = '[WARNING] src/main/wasm/command.wasm: exports `_start`, which the host never runs'
def count = { String build -> build.readLines().count { it.contains(warning) } }

assert count(builds[0]) == 1: 'build 1: expected the _start warning once'
expect(builds[0], "Compiled command.wasm -> plugin 'command'")
expectNot(builds[0], '[WARNING] src/main/wasm/plain.wasm')

expect(builds[1], '2 module(s) up to date, not recompiled: command.wasm, plain.wasm')
assert count(builds[1]) == 0: 'build 2: expected no _start warning'
expectNot(builds[1], '[WARNING]')
expect(builds[1], 'BUILD SUCCESS')

expect(builds[2], 'BUILD FAILURE')
expect(builds[2], '1 warning(s) and failOnWarning is set:')
expect(builds[2], 'src/main/wasm/command.wasm: exports `_start`')
assert count(builds[2]) == 0: 'build 3: expected no _start warning logged' // in the failure message, not logged as news

assert count(builds[3]) == 1: 'build 4: expected the _start warning once' // compiled again (-Dllmtb.force): news again
return true
