// Point 2 of the goal's contract: the plugins are there for mvn compile, mvn test and IDEs (generated into
// target/generated-resources/llmtb, a registered resource root), wasm-test-compile puts test plugins on the
// test class path only, and the plugin jar carries its m2e lifecycle mapping.
import java.util.jar.JarFile

def log = new File(basedir, 'build.log').text.replaceAll(/\u001B\[[0-9;]*m/, '')
def expect = { String text, String what -> assert text.contains(what): "expected in the build log: $what" }
def expectNot = { String text, String what -> assert !text.contains(what): "not expected in the build log: $what" }
def expectMatch = { String text, String regex -> assert text =~ regex: "no match in the build log for: $regex" }
def builds = log.split(/(?m)^.*Scanning for projects.*$/).drop(1)
assert builds.size() == 3: "expected three builds in build.log, found ${builds.size()}"
def (compile, test, skipTests) = builds

// mvn compile: generated, registered as a resource root, copied by process-resources.
expectMatch(compile, /llmtb-maven-plugin:[^:]+:wasm-compile \(default\) @ lifecycle/)
expectMatch(compile, /Copying \d+ resources? from target\/generated-resources\/llmtb to target\/classes/)
expectNot(compile, 'wasm-test-compile')
expect(compile, 'BUILD SUCCESS')

// mvn test: the test plugins too, and the test sees both indexes.
expect(test, "Compiled fixture.wasm -> plugin 'fixture'")
expectMatch(test, /Copying \d+ resources? from target\/generated-test-resources\/llmtb to target\/test-classes/)
expect(test, 'Tests run: 1, Failures: 0, Errors: 0, Skipped: 0')

// -Dmaven.test.skip=true: no test plugins, and the jar has the main plugin only.
expect(skipTests, 'Skipping wasm-test-compile (maven.test.skip)')
new JarFile(new File(basedir, 'target/lifecycle-1.0.jar')).withCloseable { jar ->
    assert jar.getEntry('META-INF/llmtb/plugins/main/plugin.json') != null
    assert jar.getEntry('META-INF/llmtb/plugins/fixture/plugin.json') == null
}
assert new File(basedir, 'target/generated-resources/llmtb/META-INF/llmtb/index.json').isFile()
assert !new File(basedir, 'target/test-classes/META-INF/llmtb/index.json').exists()

// Eclipse m2e: the plugin declares that both goals run in the IDE's builds (they use BuildContext).
def versions = new File(localRepositoryPath, 'io/llmtestbench/llmtb-maven-plugin').listFiles().findAll { it.isDirectory() }
assert versions.size() == 1
def pluginJar = versions[0].listFiles().find { it.name.endsWith('.jar') }
new JarFile(pluginJar).withCloseable { jar ->
    def entry = jar.getEntry('META-INF/m2e/lifecycle-mapping-metadata.xml')
    assert entry != null: "no m2e lifecycle mapping in ${pluginJar}"
    def mapping = jar.getInputStream(entry).text.replaceAll(/(?s)<!--.*?-->/, '').replaceAll(/\s+/, '')
    expect(mapping, '<goals><goal>wasm-compile</goal><goal>wasm-test-compile</goal></goals>')
    expect(mapping, '<execute><runOnConfiguration>true</runOnConfiguration><runOnIncremental>true</runOnIncremental></execute>')
}
return true
