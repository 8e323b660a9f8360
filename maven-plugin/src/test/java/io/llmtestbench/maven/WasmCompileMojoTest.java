package io.llmtestbench.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.compiler.PluginArtifact;
import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.model.Build;
import org.apache.maven.model.Model;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Mojos' own glue: parameters to settings, defaults, skips, resource roots, the IDE's BuildContext, failures. */
class WasmCompileMojoTest {
    @TempDir
    Path project;

    MavenProject mavenProject = new MavenProject(model());

    static Model model() {
        Model model = new Model();
        model.setBuild(new Build());
        return model;
    }

    <T extends AbstractWasmCompileMojo> T configure(T mojo, boolean test) throws Exception {
        set(mojo, "baseDirectory", project.toFile());
        set(mojo, "project", mavenProject);
        set(mojo, test ? "generatedTestResourcesDirectory" : "generatedResourcesDirectory",
                project.resolve(test ? "target/generated-test-resources/llmtb" : "target/generated-resources/llmtb").toFile());
        set(mojo, test ? "testOutputDirectory" : "outputDirectory", project.resolve(test ? "target/test-classes" : "target/classes").toFile());
        set(mojo, "stateDirectory", project.resolve(test ? "target/llmtb-wasm-test-compile" : "target/llmtb-wasm-compile").toFile());
        set(mojo, "metering", true);
        mojo.setLog(new CapturingLog());
        return mojo;
    }

    WasmCompileMojo mojo() throws Exception {
        return configure(new WasmCompileMojo(), false);
    }

    WasmTestCompileMojo testMojo() throws Exception {
        return configure(new WasmTestCompileMojo(), true);
    }

    static void set(Object target, String name, Object value) throws Exception {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                f.set(target, value);
                return;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(name);
    }

    void write(String dir, String name, byte[] bytes) throws Exception {
        Files.createDirectories(project.resolve(dir));
        Files.write(project.resolve(dir).resolve(name), bytes);
    }

    @Test
    void compilesIntoTheGeneratedResourcesAndTheClassesAndRegistersTheResourceRoot() throws Exception {
        write("src/main/wasm", "a.wasm", TestWasm.plugin(1));
        var mojo = mojo();
        set(mojo, "plugins", List.of(new PluginMapping("a.wasm", "alpha", null)));
        mojo.execute();
        assertThat(project.resolve("target/generated-resources/llmtb/" + PluginArtifact.INDEX)).isRegularFile();
        assertThat(project.resolve("target/classes/META-INF/llmtb/plugins/alpha/plugin.json")).isRegularFile();
        assertThat(project.resolve("target/llmtb-wasm-compile/state.json")).isRegularFile();
        assertThat(mavenProject.getResources()).extracting(Resource::getDirectory)
                .containsExactly(project.resolve("target/generated-resources/llmtb").toString());
        mojo.execute(); // registered once
        assertThat(mavenProject.getResources()).hasSize(1);
        assertThat(mavenProject.getTestResources()).isEmpty();
    }

    @Test
    void skipDoesNothing() throws Exception {
        write("src/main/wasm", "a.wasm", TestWasm.garbage());
        var mojo = mojo();
        set(mojo, "skip", true);
        mojo.execute();
        assertThat(project.resolve("target")).doesNotExist();
        assertThat(mavenProject.getResources()).isEmpty();
    }

    @Test
    void anInvalidModuleIsAMojoFailure() throws Exception {
        write("src/main/wasm", "bad.wasm", TestWasm.garbage());
        assertThatThrownBy(() -> mojo().execute())
                .isInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("Cannot compile src/main/wasm/bad.wasm: MALFORMED: ");
    }

    @Test
    void defaultsMatchTheDocumentation() throws Exception {
        write("src/main/wasm", "x.wasm", TestWasm.plugin(1));
        write("src/main/wasm/deep/er", "y.wasm", TestWasm.plugin(2));
        mojo().execute();
        assertThat(project.resolve("target/classes/META-INF/llmtb/plugins/x")).isDirectory();
        assertThat(project.resolve("target/classes/META-INF/llmtb/plugins/y")).isDirectory();
        assertThat(new File(project.toFile(), "target/classes/" + PluginArtifact.INDEX)).content().contains("\"x\"", "\"y\"");
    }

    @Test
    void aMissingDefaultDirectoryIsFineButAnExplicitOneFails() throws Exception {
        mojo().execute();
        assertThat(project.resolve("target/classes/" + PluginArtifact.INDEX)).doesNotExist();

        var explicit = mojo();
        set(explicit, "wasmDirectory", project.resolve("src/main/wsam").toFile());
        assertThatThrownBy(explicit::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("No wasm modules to compile: src/main/wsam does not exist");

        set(explicit, "failOnMissingSources", false);
        explicit.execute();

        var strictDefault = mojo();
        set(strictDefault, "failOnMissingSources", true);
        assertThatThrownBy(strictDefault::execute).hasMessageContaining("src/main/wasm does not exist");
    }

    @Test
    void theTestGoalCompilesSrcTestWasmOntoTheTestClassPath() throws Exception {
        write("src/test/wasm", "t.wasm", TestWasm.plugin(3));
        testMojo().execute();
        assertThat(project.resolve("target/test-classes/META-INF/llmtb/plugins/t/plugin.json")).isRegularFile();
        assertThat(project.resolve("target/generated-test-resources/llmtb/" + PluginArtifact.INDEX)).isRegularFile();
        assertThat(project.resolve("target/classes")).doesNotExist();
        assertThat(mavenProject.getTestResources()).extracting(Resource::getDirectory)
                .containsExactly(project.resolve("target/generated-test-resources/llmtb").toString());
        assertThat(mavenProject.getResources()).isEmpty();
    }

    @Test
    void theTestGoalIsSkippedWithMavenTestSkip() throws Exception {
        write("src/test/wasm", "t.wasm", TestWasm.garbage());
        var mojo = testMojo();
        set(mojo, "testSkip", true);
        mojo.execute();
        assertThat(project.resolve("target")).doesNotExist();
    }

    @Test
    void anIncrementalIdeBuildWithoutChangesDoesNothing() throws Exception {
        write("src/main/wasm", "a.wasm", TestWasm.plugin(1));
        var ide = new RecordingBuildContext();
        var mojo = mojo();
        set(mojo, "buildContext", ide);
        mojo.execute(); // a full build
        assertThat(ide.written).isNotEmpty();
        assertThat(project.resolve("target/classes/" + PluginArtifact.INDEX)).isRegularFile();

        Files.delete(project.resolve("target/classes/" + PluginArtifact.INDEX));
        ide.written.clear();
        ide.incremental = true;
        ide.delta = false;
        mojo.execute();
        assertThat(ide.written).isEmpty();
        assertThat(project.resolve("target/classes/" + PluginArtifact.INDEX)).doesNotExist();
        assertThat(mavenProject.getResources()).hasSize(1); // the resource root is registered all the same

        ide.delta = true;
        mojo.execute();
        assertThat(ide.written).containsExactly(project.resolve("target/classes/" + PluginArtifact.INDEX).toFile());
    }
}
