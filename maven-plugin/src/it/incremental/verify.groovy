// Two builds without clean: the first compiles counter.wasm, the second finds it up to date and writes
// nothing: no file of the pre-compiled artifact in target/classes is newer than the second build's start.
import java.text.SimpleDateFormat
import java.util.jar.JarFile

def lines = new File(basedir, 'build.log').readLines().collect { it.replaceAll(/\u001B\[[0-9;]*m/, '') }
def stamp = { String line ->
    def m = line =~ /^(\d{17}) /
    assert m.find(): "no timestamp on: $line"
    new SimpleDateFormat('yyyyMMddHHmmssSSS').parse(m.group(1)).time
}
def starts = lines.findAll { it.contains('Scanning for projects') }
assert starts.size() == 2: "expected two builds in build.log, found ${starts.size()}"
long secondStart = stamp(starts[1])
def first = lines.findAll { it.contains('[INFO]') && stamp(it) < secondStart }
def second = lines.findAll { it.contains('[INFO]') && stamp(it) >= secondStart }

assert first.count { it.contains("Compiled counter.wasm -> plugin 'counter'") } == 1
assert first.any { it.contains('1 plugin(s) in META-INF/llmtb/index.json: 1 compiled, 0 up to date') }
assert !first.any { it.contains('not recompiled') }
assert second.any { it.contains('1 module(s) up to date, not recompiled: counter.wasm') }
assert second.any { it.contains('1 plugin(s) in META-INF/llmtb/index.json: 0 compiled, 1 up to date; 0 file(s) written, 0 removed') }
assert !second.any { it.contains('Compiled counter.wasm') }

def classes = new File(basedir, 'target/classes')
def outputs = []
classes.eachFileRecurse(groovy.io.FileType.FILES) { outputs << it }
assert outputs.any { it.name == 'index.json' }
assert outputs.count { it.name.endsWith('.class') } >= 1
outputs.each { f ->
    assert f.lastModified() < secondStart: "${f} was rewritten by the second build (modified ${f.lastModified()}, second build started ${secondStart})"
}
new JarFile(new File(basedir, 'target/incremental-1.0.jar')).withCloseable { jar ->
    assert jar.getEntry('META-INF/llmtb/index.json') != null
    assert jar.getEntry('META-INF/llmtb/plugins/counter/module.wasm') != null
}
return true
