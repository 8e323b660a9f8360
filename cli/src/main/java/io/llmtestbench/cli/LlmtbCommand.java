package io.llmtestbench.cli;

import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.compiler.WasmCompiler;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
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
        footer = {
            "",
            "Exit codes: 0 success, 1 failure (plugin or load failure, invalid module), 2 usage error.",
            "Results go to stdout, logs and diagnostics to stderr."
        })
public final class LlmtbCommand implements Runnable {
    /** The subcommands, in the order help lists them. */
    private static final List<Map.Entry<String, Supplier<Object>>> SUBCOMMANDS = List.of(
            Map.entry("new", NewCommand::new), Map.entry("compile", CompileCommand::new), Map.entry("inspect", InspectCommand::new),
            Map.entry("run", RunCommand::new), Map.entry("eval", EvalCommand::new), Map.entry("keygen", KeygenCommand::new),
            Map.entry("sign", SignCommand::new), Map.entry("help", picocli.CommandLine.HelpCommand::new));

    /**
     * The command line for these arguments: when they name a subcommand (the first argument that is not an option),
     * only that subcommand's model is built, else all of them (help, suggestions for a mistyped command). Picocli
     * builds a command's model by reflecting over its annotations, options and mixins; building all eight was most
     * of {@code llmtb --version}'s 370 ms and a fifth of a one-shot {@code llmtb run} (issue #16 point 4).
     */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new LlmtbCommand());
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return cl; // the version alone needs no subcommand
        }
        String named = null;
        for (String a : args) {
            if (!a.startsWith("-")) { // the top-level options take no values
                named = a;
                break;
            }
        }
        boolean one = false;
        for (var s : SUBCOMMANDS) {
            one |= s.getKey().equals(named) && !named.equals("help");
        }
        for (var s : SUBCOMMANDS) {
            if (!one || s.getKey().equals(named)) {
                cl.addSubcommand(s.getKey(), s.getValue().get());
            }
        }
        return cl;
    }

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
