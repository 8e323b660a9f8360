package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The templates of {@code llmtb new} and the PDK copies bundled in the jar (the end-to-end builds are NewIT's). */
class NewCommandTest {
    private static final Path PDK = Path.of("../pdk");

    @Test
    void theBundledRustPdkIsEveryFileOfPdkRust() throws IOException {
        Path rust = PDK.resolve("rust");
        try (Stream<Path> files = Files.walk(rust)) {
            var sources = files.filter(Files::isRegularFile).map(f -> rust.relativize(f).toString().replace('\\', '/'))
                    .filter(f -> !f.startsWith(".cargo/") && !f.startsWith("target/") && !f.equals("Cargo.lock"))
                    .sorted().toList();
            assertThat(NewCommand.RUST_PDK_FILES).containsExactlyInAnyOrderElementsOf(sources);
        }
        for (String f : NewCommand.RUST_PDK_FILES) {
            assertThat(NewCommand.resource("pdk/rust/" + f)).as(f).isEqualTo(Files.readString(rust.resolve(f)));
        }
        for (String f : NewCommand.C_PDK_FILES) {
            assertThat(NewCommand.resource("pdk/c/" + f)).as(f).isEqualTo(Files.readString(PDK.resolve("c").resolve(f)));
        }
    }

    @Test
    void everyTemplateRendersCompletely() {
        var toolchain = new NewCommand.Toolchain("cargo build --release", null);
        for (NewCommand.Type type : NewCommand.Type.values()) {
            for (NewCommand.Lang lang : NewCommand.Lang.values()) {
                var p = NewCommand.project(type, "my-plugin.v2", lang, Path.of("/nonexistent"), toolchain);
                assertThat(p.files()).containsKeys("sample-input.json", "README.md", ".gitignore");
                // the PDK copies (llmtb-pdk/, llmtb.h) are bundled verbatim, not rendered: Rust's format strings hold "{{"
                p.files().forEach((file, text) -> {
                    if (!file.startsWith("llmtb-pdk/") && !file.equals("llmtb.h")) {
                        assertThat(text).as(lang + " " + type + " " + file).doesNotContain("{{");
                    }
                });
                assertThat(p.files().get("README.md")).contains(p.build(), "llmtb run " + p.wasm());
            }
        }
    }

    @Test
    void rustNamesFollowCargosRules() {
        var toolchain = new NewCommand.Toolchain("cargo build --release", null);
        var p = NewCommand.project(NewCommand.Type.filter, "my-plugin.v2", NewCommand.Lang.rust, Path.of("/nonexistent"), toolchain);
        assertThat(p.files().get("Cargo.toml")).contains("name = \"my-plugin-v2\"");
        assertThat(p.wasm()).isEqualTo("target/wasm32-unknown-unknown/release/my_plugin_v2.wasm");
        assertThat(p.files().get("src/lib.rs")).contains("struct MyPluginV2", "Metadata::new(\"my-plugin.v2\"");
        assertThat(p.files().get(".cargo/config.toml")).as("no Debian registry there: crates.io").doesNotContain("[source");
        assertThat(NewCommand.structName("0day")).isEqualTo("Plugin0day");
    }

    @Test
    void theOfflineRegistryIsUsedWhenItHasTheCrates(@org.junit.jupiter.api.io.TempDir Path registry) throws IOException {
        var toolchain = new NewCommand.Toolchain("cargo build --release", null);
        for (String crate : new String[] {"serde-1.0.152", "serde_derive-1.0.152"}) {
            Files.createDirectories(registry.resolve(crate));
        }
        assertThat(NewCommand.hasDebianCrates(registry)).as("serde_json is missing").isFalse();
        Files.createDirectories(registry.resolve("serde_json-1.0.87"));
        var p = NewCommand.project(NewCommand.Type.evaluator, "x", NewCommand.Lang.rust, registry, toolchain);
        assertThat(p.files().get(".cargo/config.toml")).contains("replace-with = \"debian-packages\"", "directory = \"" + registry + "\"");
        assertThat(p.notes()).anyMatch(n -> n.contains("Debian's packaged registry"));
    }

    @Test
    void shellQuoting() {
        assertThat(NewCommand.shellQuote("plugins/my-evaluator")).isEqualTo("plugins/my-evaluator");
        assertThat(NewCommand.shellQuote("my dir/it's")).isEqualTo("'my dir/it'\\''s'");
    }
}
