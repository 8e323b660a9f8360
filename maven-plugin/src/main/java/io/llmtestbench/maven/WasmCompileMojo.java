package io.llmtestbench.maven;

import java.io.File;
import java.util.List;
import org.apache.maven.model.Resource;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Checks the module's WebAssembly plugins against the plugin ABI and compiles them ahead of time into ONE
 * pre-compiled plugin artifact (META-INF/llmtb/index.json listing every plugin, each plugin's plugin.json,
 * module.wasm and source.wasm, and the generated classes), so that the module's ordinary jar is a pre-compiled plugin jar the
 * runtime loads without compiling anything.
 *
 * <p>A module that is not a plugin fails the build naming the file and the export or import: a missing or
 * mistyped export, an import the host does not provide, or an api_version the host does not accept (read by
 * running plugin_metadata in a sandbox at build time).
 *
 * <p>The artifact is written into generatedResourcesDirectory, which is added to the project's resources (so
 * process-resources copies it into the class output directory, and IDEs see it), and into outputDirectory
 * directly, so it is there whichever phase the goal runs in. Incremental: a module whose bytes, settings and
 * compiler are unchanged is not checked or compiled again, and files that already hold the right bytes are not
 * rewritten.
 */
@Mojo(name = "wasm-compile", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, threadSafe = true)
public class WasmCompileMojo extends AbstractWasmCompileMojo {

    /**
     * The directory of the .wasm modules. Default: src/main/wasm. Setting it makes failOnMissingSources default
     * to true, so that a misspelt directory fails the build instead of building a jar without plugins.
     */
    @Parameter(property = "llmtb.wasmDirectory")
    private File wasmDirectory;

    /**
     * Fail the build when there is no module to compile: wasmDirectory does not exist, or no file in it matches
     * includes and excludes. Default: true when wasmDirectory is set, false when it is the default src/main/wasm.
     */
    @Parameter(property = "llmtb.failOnMissingSources")
    private Boolean failOnMissingSources;

    /**
     * Ant-style patterns, relative to wasmDirectory, of the modules to compile. Default: all .wasm files, in
     * every subdirectory. On the command line: -Dllmtb.includes=a.wasm,sub/*.wasm
     */
    @Parameter(property = "llmtb.includes")
    private List<String> includes;

    /** Ant-style patterns, relative to wasmDirectory, of modules not to compile (applied after includes). */
    @Parameter(property = "llmtb.excludes")
    private List<String> excludes;

    /** Where the artifact is generated; added to the project's resource directories. */
    @Parameter(defaultValue = "${project.build.directory}/generated-resources/llmtb", required = true)
    private File generatedResourcesDirectory;

    /** The class output directory, kept in sync with the artifact (written, and cleared of plugins no longer built). */
    @Parameter(defaultValue = "${project.build.outputDirectory}", required = true)
    private File outputDirectory;

    /** Where the incremental state and the compiled-module cache are kept. */
    @Parameter(defaultValue = "${project.build.directory}/llmtb-wasm-compile", required = true)
    private File stateDirectory;

    @Override
    String goal() {
        return "wasm-compile";
    }

    @Override
    String skipReason() {
        return null;
    }

    @Override
    File configuredWasmDirectory() {
        return wasmDirectory;
    }

    @Override
    String defaultWasmDirectory() {
        return "src/main/wasm";
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
        return generatedResourcesDirectory;
    }

    @Override
    File outputDirectory() {
        return outputDirectory;
    }

    @Override
    File stateDirectory() {
        return stateDirectory;
    }

    @Override
    void addResourceRoot(MavenProject project, Resource resource) {
        project.addResource(resource);
    }

    @Override
    List<Resource> resourceRoots(MavenProject project) {
        return project.getResources();
    }
}
