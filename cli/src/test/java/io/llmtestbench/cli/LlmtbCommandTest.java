package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The command line builds the model of the subcommand it runs only (issue #16 point 4), and all of them for help. */
class LlmtbCommandTest {
    private static final String[] ALL = {"new", "compile", "inspect", "run", "eval", "keygen", "sign", "help"};

    @Test
    void aNamedSubcommandIsTheOnlyOneBuilt() {
        assertThat(LlmtbCommand.commandLine("run", "plugin.jar", "--input", "{}").getSubcommands()).containsOnlyKeys("run");
        assertThat(LlmtbCommand.commandLine("-v", "eval", "--pipeline", "p.json").getSubcommands()).containsOnlyKeys("eval");
        assertThat(LlmtbCommand.commandLine("--version").getSubcommands()).isEmpty();
    }

    @Test
    void helpAndAnythingElseSeeEverySubcommandInHelpOrder() {
        for (String[] args : new String[][] {{}, {"--help"}, {"help"}, {"help", "run"}, {"rnu"}}) {
            assertThat(LlmtbCommand.commandLine(args).getSubcommands().keySet()).as(String.join(" ", args)).containsExactly(ALL);
        }
    }
}
