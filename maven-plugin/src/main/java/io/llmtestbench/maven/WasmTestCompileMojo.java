package io.llmtestbench.maven;

import java.io.File;
import java.util.List;
import org.apache.maven.model.Resource;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * The test-scope twin of wasm-compile: checks and compiles the .wasm modules of src/test/wasm into a
 * pre-compiled plugin artifact on the test class path (generatedTestResourcesDirectory, a test resource root,
 * and the test class output directory), for projects whose tests run host code against plugins. The artifact
 * is not part of the module's jar. Skipped with -Dmaven.test.skip=true, like the compilation of the tests;
 * -DskipTests (which only skips running them) does not skip it.
 */
@Mojo(name = "wasm-test-compile", defaultPhase = LifecyclePhase.GENERATE_TEST_RESOURCES, threadSafe = true)
public class WasmTestCompileMojo extends AbstractWasmCompileMojo {

    /**
     * The directory of the test .wasm modules. Default: src/test/wasm. Setting it makes failOnMissingSources
     * default to true, so that a misspelt directory fails the build instead of running tests without plugins.
     */
    @Parameter(property = "llmtb.testWasmDirectory")
    private File wasmDirectory;

    /**
     * Fail the build when there is no module to compile: wasmDirectory does not exist, or no file in it matches
     * includes and excludes. Default: true when wasmDirectory is set, false when it is the default src/test/wasm.
     */
    @Parameter(property = "llmtb.testFailOnMissingSources")
    private Boolean failOnMissingSources;

    /**
     * Ant-style patterns, relative to wasmDirectory, of the modules to compile. Default: all .wasm files, in
     * every subdirectory. On the command line: -Dllmtb.testIncludes=a.wasm,sub/*.wasm
     */
    @Parameter(property = "llmtb.testIncludes")
    private List<String> includes;

    /** Ant-style patterns, relative to wasmDirectory, of modules not to compile (applied after includes). */
    @Parameter(property = "llmtb.testExcludes")
    private List<String> excludes;

    /** Where the artifact is generated; added to the project's test resource directories. */
    @Parameter(defaultValue = "${project.build.directory}/generated-test-resources/llmtb", required = true)
    private File generatedTestResourcesDirectory;

    /** The test class output directory, kept in sync with the artifact (written, and cleared of plugins no longer built). */
    @Parameter(defaultValue = "${project.build.testOutputDirectory}", required = true)
    private File testOutputDirectory;

    /** Where the incremental state and the compiled-module cache are kept. */
    @Parameter(defaultValue = "${project.build.directory}/llmtb-wasm-test-compile", required = true)
    private File stateDirectory;

    /** Set by -Dmaven.test.skip=true: tests are neither compiled nor run, so their plugins are not built either. */
    @Parameter(property = "maven.test.skip", defaultValue = "false")
    private boolean testSkip;

    @Override
    String goal() {
        return "wasm-test-compile";
    }

    @Override
    String skipReason() {
        return testSkip ? "maven.test.skip" : null;
    }

    @Override
    File configuredWasmDirectory() {
        return wasmDirectory;
    }

    @Override
    String defaultWasmDirectory() {
        return "src/test/wasm";
    }

    @Override
    Boolean failOnMissingSources() {
        return failOnMissingSources;
    }

    @Override
    List<String> includes() {
        return includes;
    }

    @Override
    List<String> excludes() {
        return excludes;
    }

    @Override
    File generatedResourcesDirectory() {
        return generatedTestResourcesDirectory;
    }

    @Override
    File outputDirectory() {
        return testOutputDirectory;
    }

    @Override
    File stateDirectory() {
        return stateDirectory;
    }

    @Override
    void addResourceRoot(MavenProject project, Resource resource) {
        project.addTestResource(resource);
    }

    @Override
    List<Resource> resourceRoots(MavenProject project) {
        return project.getTestResources();
    }
}
