/**
 * The {@code llmtb} command (compile, inspect, run, eval, keygen, sign). Exports nothing: run it with
 * {@code java -p <module path> -m io.llmtestbench.cli/io.llmtestbench.cli.Main}, or from the class path as the
 * self-contained {@code llmtb.jar} that the {@code llmtb} launcher uses.
 */
module io.llmtestbench.cli {
    requires io.llmtestbench.pipeline;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires java.logging;

    opens io.llmtestbench.cli to info.picocli;
}
