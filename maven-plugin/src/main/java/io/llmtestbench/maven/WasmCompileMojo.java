package io.llmtestbench.maven;

import java.io.File;
import java.io.IOException;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles the module's WebAssembly plugins ahead of time into its class output directory, as ONE
 * pre-compiled plugin artifact ({@code META-INF/llmtb/index.json} listing every plugin, each plugin's
 * {@code plugin.json} and {@code module.wasm}, and the generated classes), so that the module's ordinary jar
 * is a pre-compiled plugin jar the runtime loads without compiling anything.
 *
 * <p>Incremental: an input whose SHA-256, options and compiler stamp are unchanged since the last run is not
 * recompiled (its output is cached under {@code stateDirectory}), and files already in the output directory
 * with the right bytes are not rewritten.
 *
 * <p>Bound by default to {@code process-classes}: after {@code javac} has written the output directory
 * (so nothing of the Java build touches or sees the generated classes) and before tests and packaging.
 */
@Mojo(name = "wasm-compile", defaultPhase = LifecyclePhase.PROCESS_CLASSES, threadSafe = true)
public class WasmCompileMojo extends AbstractMojo {

    /** Where the .wasm inputs are. */
    @Parameter(property = "llmtb.wasmDirectory", defaultValue = "${project.basedir}/src/main/wasm", required = true)
    private File wasmDirectory;

    /** Ant-style patterns, relative to {@code wasmDirectory}, of the files to compile. Default: {@code **}{@code /*.wasm}. */
    @Parameter
    private List<String> includes;

    /** Ant-style patterns, relative to {@code wasmDirectory}, of files not to compile. */
    @Parameter
    private List<String> excludes;

    /**
     * Plugin ids and main class names other than the defaults (id: {@code PluginArtifact.idFor(file name)};
     * class name: derived from the module's SHA-256). {@code <plugin><file>x.wasm</file><id>my-id</id>
     * <className>com.acme.MyPlugin</className></plugin>}; {@code file} is a file name or a path relative to
     * {@code wasmDirectory}.
     */
    @Parameter
    private List<PluginMapping> plugins;

    /** Inject deterministic fuel metering. Turn off only for trusted code and benchmarks. */
    @Parameter(property = "llmtb.metering", defaultValue = "true")
    private boolean metering;

    /**
     * Fail the build on compilation warnings: functions that fall back to the interpreter, and generated
     * methods over HotSpot's 8000-byte HugeMethodLimit. They are logged as warnings either way.
     */
    @Parameter(property = "llmtb.failOnWarning", defaultValue = "false")
    private boolean failOnWarning;

    /** Skip the goal. */
    @Parameter(property = "llmtb.skip", defaultValue = "false")
    private boolean skip;

    /** Recompile every input, even the unchanged ones. */
    @Parameter(property = "llmtb.force", defaultValue = "false")
    private boolean force;

    /** Where the compiled plugins go: the module's class output directory, so they end up in its jar. */
    @Parameter(defaultValue = "${project.build.outputDirectory}", required = true)
    private File outputDirectory;

    /** Where the incremental state and the per-plugin cache are kept. */
    @Parameter(defaultValue = "${project.build.directory}/llmtb-wasm-compile", required = true)
    private File stateDirectory;

    @Parameter(defaultValue = "${project.basedir}", readonly = true, required = true)
    private File baseDirectory;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping wasm-compile (llmtb.skip)");
            return;
        }
        var settings = new WasmCompileTask.Settings(
                baseDirectory.toPath(),
                wasmDirectory.toPath(),
                includes,
                excludes,
                plugins,
                metering,
                failOnWarning,
                force,
                outputDirectory.toPath(),
                stateDirectory.toPath());
        try {
            new WasmCompileTask(settings, getLog()).run();
        } catch (WasmCompileTask.Failure e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("wasm-compile failed: " + e.getMessage(), e);
        }
    }
}
