package io.llmtestbench.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.sonatype.plexus.build.incremental.BuildContext;

/** What {@code wasm-compile} and {@code wasm-test-compile} share: the parameters that mean the same in both, and the run. */
abstract class AbstractWasmCompileMojo extends AbstractMojo {

    /**
     * Plugin ids, main class names and ABI checks other than the defaults, one plugin element per module.
     * Each plugin element has a file (a file name, or a path relative to wasmDirectory) and any of: id (default:
     * the file name in lower case without .wasm, characters other than a-z 0-9 . _ - replaced by -), className
     * (default: a name derived from the module's SHA-256), checkAbi (default true; false builds a module that
     * the runtime will refuse, for tests of exactly that; see the plugin's README).
     */
    @Parameter
    private List<PluginMapping> plugins;

    /** Inject deterministic fuel metering. Turn it off only for trusted code and benchmarks. */
    @Parameter(property = "llmtb.metering", defaultValue = "true")
    private boolean metering;

    /**
     * Fail the build on warnings: a function left to the interpreter, a generated method over HotSpot's
     * 8000-byte HugeMethodLimit, an exported _start (a module linked as a command, not a reactor). Warnings are
     * logged when a module is compiled; with failOnWarning, those of up-to-date modules count too.
     */
    @Parameter(property = "llmtb.failOnWarning", defaultValue = "false")
    private boolean failOnWarning;

    /** Skip the goal. */
    @Parameter(property = "llmtb.skip", defaultValue = "false")
    private boolean skip;

    /** Check and compile every module, even the unchanged ones. */
    @Parameter(property = "llmtb.force", defaultValue = "false")
    private boolean force;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${plugin}", readonly = true)
    private PluginDescriptor pluginDescriptor;

    @Parameter(defaultValue = "${project.basedir}", readonly = true, required = true)
    private File baseDirectory;

    /**
     * The IDE's (Eclipse m2e's) BuildContext, or plexus-build-api's DefaultBuildContext on the command line.
     * Injected as a Plexus component, the way m2e documents it (plugin-tools deprecates @Component in favour of
     * JSR-330, which would need a Sisu index in this plugin for no gain).
     */
    @SuppressWarnings("deprecation")
    @Component
    private BuildContext buildContext;

    /** The goal's name, for messages. */
    abstract String goal();

    /** Why the goal is skipped beyond {@code llmtb.skip} (e.g. maven.test.skip), or null. */
    abstract String skipReason();

    /** The configured wasm directory, or null for the goal's default. */
    abstract File configuredWasmDirectory();

    abstract String defaultWasmDirectory();

    abstract Boolean failOnMissingSources();

    abstract List<String> includes();

    abstract List<String> excludes();

    abstract File generatedResourcesDirectory();

    abstract File outputDirectory();

    abstract File stateDirectory();

    /** Registers the generated-resources directory with the project, as a main or a test resource root. */
    abstract void addResourceRoot(MavenProject project, Resource resource);

    abstract List<Resource> resourceRoots(MavenProject project);

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping " + goal() + " (llmtb.skip)");
            return;
        }
        if (skipReason() != null) {
            getLog().info("Skipping " + goal() + " (" + skipReason() + ")");
            return;
        }
        Path base = baseDirectory.toPath();
        File configured = configuredWasmDirectory();
        Path wasmDirectory = configured != null ? configured.toPath() : base.resolve(defaultWasmDirectory());
        boolean failOnMissing = failOnMissingSources() != null ? failOnMissingSources() : configured != null;
        Path generated = generatedResourcesDirectory() == null ? null : generatedResourcesDirectory().toPath();
        if (generated != null && project != null) {
            registerResourceRoot(generated);
        }
        BuildFiles files = buildContext != null ? new BuildFiles(buildContext) : BuildFiles.plain();
        if (files.unchangedInIde(wasmDirectory)) {
            getLog().debug("No change under " + wasmDirectory + " in this incremental build");
            return;
        }
        String version = pluginDescriptor != null && pluginDescriptor.getVersion() != null ? pluginDescriptor.getVersion() : "unknown";
        var settings = new WasmCompileTask.Settings(
                base,
                wasmDirectory,
                failOnMissing,
                includes(),
                excludes(),
                plugins,
                metering,
                failOnWarning,
                force,
                generated,
                outputDirectory().toPath(),
                stateDirectory().toPath(),
                version);
        try {
            new WasmCompileTask(settings, getLog(), files, MetadataProbe.defaults()).run();
        } catch (WasmCompileTask.Failure e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException(goal() + " failed: " + e.getMessage(), e);
        }
    }

    /** Adds the generated directory as a resource root, once: process-resources copies it, IDEs see it. */
    private void registerResourceRoot(Path generated) {
        Path dir = generated.toAbsolutePath().normalize();
        for (Resource r : resourceRoots(project)) {
            if (r.getDirectory() != null && baseDirectory.toPath().resolve(r.getDirectory()).toAbsolutePath().normalize().equals(dir)) {
                return;
            }
        }
        Resource resource = new Resource();
        resource.setDirectory(dir.toString());
        addResourceRoot(project, resource);
    }
}
