package io.llmtestbench.cli;

import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.compiler.WasmCompiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top-level {@code llmtb} command; its subcommands do the work. */
@Command(
        name = "llmtb",
        mixinStandardHelpOptions = true,
        versionProvider = LlmtbCommand.Version.class,
        description = "LLM Test Bench: create, compile, inspect, sign and run WebAssembly plugins, and evaluate data sets with pipelines of them.",
        subcommands = {
            NewCommand.class, CompileCommand.class, InspectCommand.class, RunCommand.class, EvalCommand.class, KeygenCommand.class,
            SignCommand.class, picocli.CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Exit codes: 0 success, 1 failure (plugin or load failure, invalid module), 2 usage error.",
            "Results go to stdout, logs and diagnostics to stderr."
        })
public final class LlmtbCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log at info level (to stderr) instead of warn.")
    boolean verbose;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command: new, compile, inspect, run, eval, keygen or sign");
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "llmtb " + WasmCompiler.VERSION + " (plugin ABI " + PluginAbi.VERSION + ", Chicory " + WasmCompiler.CHICORY_VERSION
                        + ", Java " + System.getProperty("java.version") + ")"
            };
        }
    }
}
