package io.llmtestbench.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.compiler.PluginArtifact;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Mojo's own glue: parameters to settings, skip, and failures as MojoFailureException. */
class WasmCompileMojoTest {
    @TempDir
    Path project;

    WasmCompileMojo mojo(boolean skip) throws Exception {
        var mojo = new WasmCompileMojo();
        set(mojo, "baseDirectory", project.toFile());
        set(mojo, "wasmDirectory", project.resolve("src/main/wasm").toFile());
        set(mojo, "outputDirectory", project.resolve("target/classes").toFile());
        set(mojo, "stateDirectory", project.resolve("target/llmtb-wasm-compile").toFile());
        set(mojo, "metering", true);
        set(mojo, "skip", skip);
        mojo.setLog(new CapturingLog());
        return mojo;
    }

    static void set(Object target, String field, Object value) throws Exception {
        var f = WasmCompileMojo.class.getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    void write(String name, byte[] bytes) throws Exception {
        Files.createDirectories(project.resolve("src/main/wasm"));
        Files.write(project.resolve("src/main/wasm").resolve(name), bytes);
    }

    @Test
    void compilesIntoTheOutputDirectory() throws Exception {
        write("a.wasm", TestWasm.small(1));
        var mojo = mojo(false);
        set(mojo, "plugins", List.of(new PluginMapping("a.wasm", "alpha", null)));
        mojo.execute();
        assertThat(project.resolve("target/classes/" + PluginArtifact.INDEX)).isRegularFile();
        assertThat(project.resolve("target/classes/META-INF/llmtb/plugins/alpha/plugin.json")).isRegularFile();
        assertThat(project.resolve("target/llmtb-wasm-compile/state.json")).isRegularFile();
    }

    @Test
    void skipDoesNothing() throws Exception {
        write("a.wasm", TestWasm.garbage());
        mojo(true).execute();
        assertThat(project.resolve("target")).doesNotExist();
    }

    @Test
    void anInvalidModuleIsAMojoFailure() throws Exception {
        write("bad.wasm", TestWasm.garbage());
        assertThatThrownBy(() -> mojo(false).execute())
                .isInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("Cannot compile src/main/wasm/bad.wasm: MALFORMED: ");
    }

    @Test
    void defaultsMatchTheDocumentation() throws Exception {
        var mojo = mojo(false);
        set(mojo, "includes", null);
        write("x.wasm", TestWasm.small(1));
        Files.createDirectories(project.resolve("src/main/wasm/deep/er"));
        Files.write(project.resolve("src/main/wasm/deep/er/y.wasm"), TestWasm.small(2));
        mojo.execute();
        assertThat(project.resolve("target/classes/META-INF/llmtb/plugins/x")).isDirectory();
        assertThat(project.resolve("target/classes/META-INF/llmtb/plugins/y")).isDirectory();
        assertThat(new File(project.toFile(), "target/classes/" + PluginArtifact.INDEX)).content().contains("\"x\"", "\"y\"");
    }
}
