package io.llmtestbench.cli;

import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.compiler.WasmCompiler;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code llmtb new <type> <name> --lang rust|c|wat [--dir D]}: a plugin project that builds with one command and
 * runs with {@code llmtb run} on its sample input. Rust and C projects get a copy of the PDK this jar was built with
 * (pdk/rust, pdk/c/llmtb.h, bundled as resources), so they build anywhere, offline, and do not change under an
 * update of llmtb.
 */
@Command(name = "new", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Creates a plugin project: <type> is evaluator, provider, transform or filter; <name> is the plugin's "
                    + "metadata name ([a-z0-9][a-z0-9._-]{0,63}).",
            "  rust  Cargo.toml, .cargo/config.toml, src/lib.rs on the Rust PDK (a copy in llmtb-pdk/)",
            "  c     <name>.c on the C PDK (a copy of llmtb.h) and a Makefile",
            "  wat   <name>.wat, one file",
            "Each project has a sample-input.json and a README.md; llmtb new prints the command that builds it and the "
                    + "llmtb run command that runs it on the sample.",
            "Exit codes: 0 created, 1 cannot write, 2 usage error (including a directory that exists and is not empty)."
        })
final class NewCommand implements Callable<Integer> {
    enum Type { evaluator, provider, transform, filter }

    enum Lang { rust, c, wat }

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final String RESOURCES = "/io/llmtestbench/cli/new/";
    /** Debian's packaged crates: a registry directory that makes Rust builds work offline. */
    static final Path DEBIAN_REGISTRY = Path.of("/usr/share/cargo/registry");

    /** The Rust PDK's files, as bundled from pdk/rust (NewCommandTest checks the list against the directory). */
    static final List<String> RUST_PDK_FILES = List.of(
            "Cargo.toml", "README.md", "src/lib.rs", "src/__private.rs", "src/context.rs", "src/http.rs", "src/log.rs",
            "src/random.rs", "src/state.rs", "src/sys.rs", "src/testing.rs", "src/tests.rs", "src/time.rs");
    /** The C PDK's files, as bundled from pdk/c. */
    static final List<String> C_PDK_FILES = List.of("llmtb.h");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<type>", description = "evaluator, provider, transform or filter.")
    Type type;

    @Parameters(index = "1", paramLabel = "<name>", description = "The plugin's name, e.g. my-evaluator.")
    String name;

    @Option(names = "--lang", paramLabel = "rust|c|wat", description = "The language (default: ${DEFAULT-VALUE}).")
    Lang lang = Lang.rust;

    @Option(names = "--dir", paramLabel = "D", description = "Where to create the project (default: ./<name>); must not "
            + "exist or be empty.")
    Path dir;

    /** What a project is made of, and how it is built and run. */
    record Project(Map<String, String> files, String build, String wasm, List<String> notes) {}

    @Override
    public Integer call() {
        if (!NAME.matcher(name).matches()) {
            throw usage("<name> '" + name + "' must match [a-z0-9][a-z0-9._-]{0,63} (lower-case letters, digits, '.', '_', "
                    + "'-'; it is the plugin's metadata name)");
        }
        Path target = dir != null ? dir : Path.of(name);
        if (Files.exists(target)) {
            if (!Files.isDirectory(target)) {
                throw usage(target + " exists and is not a directory");
            }
            try (Stream<Path> entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw usage(target + " exists and is not empty; choose another --dir");
                }
            } catch (IOException e) {
                throw usage("cannot read " + target + ": " + e.getMessage());
            }
        }
        Project project = project(type, name, lang, DEBIAN_REGISTRY, Toolchain.detect());
        try {
            for (Map.Entry<String, String> f : project.files().entrySet()) {
                Path file = target.resolve(f.getKey());
                Files.createDirectories(file.getParent() == null ? target : file.getParent());
                Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            System.err.println("llmtb new: cannot write the project in " + target + ": " + e.getMessage());
            return Main.FAILURE;
        }
        PrintStream out = System.out;
        out.println("Created " + type + " plugin '" + name + "' (" + langName(lang) + ") in " + target + "/");
        for (String note : project.notes()) {
            out.println("  " + note);
        }
        out.println("Build it:  cd " + shellQuote(target.toString()) + " && " + project.build());
        out.println("Run it:    llmtb run " + project.wasm() + " --input @sample-input.json");
        out.flush();
        return Main.OK;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    static String langName(Lang lang) {
        return switch (lang) {
            case rust -> "Rust";
            case c -> "C";
            case wat -> "WAT";
        };
    }

    /** How Rust is built here: the command and whether Debian's registry serves the crates. */
    record Toolchain(String cargoBuild, String note) {
        static Toolchain detect() {
            if (hasWasmTarget("rustc")) {
                return new Toolchain("cargo build --release", null);
            }
            if (Files.isExecutable(Path.of("/usr/bin/rustc")) && hasWasmTarget("/usr/bin/rustc")) {
                return new Toolchain("RUSTC=/usr/bin/rustc /usr/bin/cargo build --release",
                        "the rustc first on PATH has no wasm32-unknown-unknown target: the build uses Debian's /usr/bin/rustc");
            }
            return new Toolchain("cargo build --release", "no rustc with the wasm32-unknown-unknown target found: install it "
                    + "(rustup target add wasm32-unknown-unknown, or apt-get install rustc cargo libstd-rust-dev-wasm32)");
        }

        /** Whether {@code rustc} has the standard library for wasm32-unknown-unknown. */
        static boolean hasWasmTarget(String rustc) {
            try {
                Process p = new ProcessBuilder(rustc, "--print", "target-libdir", "--target", "wasm32-unknown-unknown")
                        .redirectErrorStream(false).start();
                p.getErrorStream().close();
                String dir = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0 || dir.isEmpty()) {
                    p.destroy();
                    return false;
                }
                try (Stream<Path> files = Files.list(Path.of(dir))) {
                    return files.anyMatch(f -> f.getFileName().toString().startsWith("libcore-"));
                }
            } catch (IOException | RuntimeException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** The project's files and commands. */
    static Project project(Type type, String name, Lang lang, Path debianRegistry, Toolchain toolchain) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("name", name);
        vars.put("type", type.name());
        vars.put("llmtb_version", "llmtb " + WasmCompiler.VERSION + ", plugin ABI " + PluginAbi.VERSION);
        vars.put("description", description(type)); // the WAT templates' metadata
        Map<String, String> files = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        String build;
        String wasm;
        switch (lang) {
            case rust -> {
                String crate = name.replace('.', '-');
                String lib = crate.replace('-', '_');
                vars.put("crate", crate);
                vars.put("Struct", structName(name));
                boolean offline = hasDebianCrates(debianRegistry);
                vars.put("offline_registry", offline ? offlineRegistry(debianRegistry) : "");
                files.put("Cargo.toml", render("rust/Cargo.toml", vars));
                files.put(".cargo/config.toml", render("rust/cargo-config.toml", vars));
                files.put("src/lib.rs", render("rust/lib." + type + ".rs", vars));
                for (String f : RUST_PDK_FILES) {
                    files.put("llmtb-pdk/" + f, resource("pdk/rust/" + f));
                }
                files.put(".gitignore", resource("rust/gitignore"));
                build = toolchain.cargoBuild();
                wasm = "target/wasm32-unknown-unknown/release/" + lib + ".wasm";
                notes.add("src/lib.rs is your plugin; llmtb-pdk/ is the Rust PDK it is built on (a copy)");
                if (offline) {
                    notes.add("crates come from Debian's packaged registry " + debianRegistry + " (offline; see .cargo/config.toml)");
                }
                if (toolchain.note() != null) {
                    notes.add(toolchain.note());
                }
            }
            case c -> {
                files.put(name + ".c", render("c/plugin." + type + ".c", vars));
                files.put("llmtb.h", resource("pdk/c/llmtb.h"));
                files.put("Makefile", render("c/Makefile", vars));
                files.put(".gitignore", resource("c/gitignore"));
                build = "make";
                wasm = name + ".wasm";
                notes.add(name + ".c is your plugin; llmtb.h is the C PDK it is built on (a copy)");
            }
            case wat -> {
                files.put(name + ".wat", render("wat/head.wat", vars) + render("wat/execute." + type + ".wat", vars));
                files.put(".gitignore", resource("wat/gitignore"));
                build = "wat2wasm " + shellQuote(name + ".wat") + " -o " + shellQuote(name + ".wasm");
                wasm = name + ".wasm";
                notes.add(name + ".wat is your plugin (wat2wasm is in wabt)");
            }
            default -> throw new IllegalArgumentException(lang.toString());
        }
        files.put("sample-input.json", resource("sample." + type + ".json"));
        files.put("README.md", readme(type, name, lang, build, wasm));
        return new Project(files, build, wasm, notes);
    }

    /** What the WAT template of each type does. */
    private static String description(Type type) {
        return switch (type) {
            case evaluator -> "Scores 1 when the response is not empty (a template)";
            case provider -> "Answers with the prompt (a template)";
            case transform -> "Returns the record unchanged (a template)";
            case filter -> "Keeps every record that has scores (a template)";
        };
    }

    /** {@code my-evaluator} -> {@code MyEvaluator}. */
    static String structName(String name) {
        StringBuilder sb = new StringBuilder();
        boolean upper = true;
        for (char c : name.toCharArray()) {
            if (c == '-' || c == '_' || c == '.') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        if (sb.length() == 0 || !Character.isLetter(sb.charAt(0))) {
            sb.insert(0, "Plugin");
        }
        return sb.toString();
    }

    /** Whether Debian's registry directory has the crates the project needs (serde, serde_derive, serde_json). */
    static boolean hasDebianCrates(Path registry) {
        if (!Files.isDirectory(registry)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(registry)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).toList();
            return Stream.of("serde-1.", "serde_derive-1.", "serde_json-1.").allMatch(c -> names.stream().anyMatch(n -> n.startsWith(c)));
        } catch (IOException e) {
            return false;
        }
    }

    private static String offlineRegistry(Path registry) {
        return "\n# Offline build: the crates come from Debian's packaged registry instead of crates.io (llmtb new found it\n"
                + "# on this machine). With access to crates.io you can delete the two [source.*] tables.\n"
                + "[source.crates-io]\n"
                + "replace-with = \"debian-packages\"\n\n"
                + "[source.debian-packages]\n"
                + "directory = \"" + registry + "\"\n";
    }

    private static String readme(Type type, String name, Lang lang, String build, String wasm) {
        String plugin = switch (lang) {
            case rust -> "`src/lib.rs`, on the Rust PDK in `llmtb-pdk/` (a copy; `llmtb-pdk/README.md` lists what it offers)";
            case c -> "`" + name + ".c`, on the C PDK `llmtb.h` (a copy; the comments at its top list what it offers)";
            case wat -> "`" + name + ".wat`, a complete module in WebAssembly text";
        };
        String unstripped = switch (lang) {
            case rust -> "build with `strip = false` in `Cargo.toml`'s release profile";
            case c -> "drop `-Wl,--strip-all` from the `Makefile`";
            case wat -> "`wat2wasm --debug-names`";
        };
        return "# " + name + "\n\n"
                + "An LLM Test Bench " + type + " plugin in " + langName(lang) + ", made by `llmtb new`. The plugin is " + plugin + ".\n\n"
                + "Build it:\n\n```sh\n" + build + "\n```\n\n"
                + "Run it on the sample input (and on your own: `--input '{...}'`, `--config '{...}'`):\n\n```sh\n"
                + "llmtb run " + wasm + " --input @sample-input.json --pretty\n"
                + "llmtb run " + wasm + " --input @sample-input.json --log-level debug   # see what the plugin logs\n"
                + "llmtb inspect " + wasm + "\n```\n\n"
                + "`llmtb run` prints `{\"data\": <output>, \"metadata\": {...}}`, or `{\"error\": {\"kind\", \"message\", \"code\"}}`. "
                + "To see function names in `llmtb inspect` (e.g. to find a large function), " + unstripped + ".\n\n"
                + "The plugin ABI is `docs/plugin-abi.md` and the how-to is `docs/plugin-authors-guide.md` in the LLM Test Bench "
                + "repository; `llmtb run --help` lists the limits and permissions you can try.\n";
    }

    private static String render(String template, Map<String, String> vars) {
        String text = resource(template);
        for (Map.Entry<String, String> v : vars.entrySet()) {
            text = text.replace("{{" + v.getKey() + "}}", v.getValue());
        }
        int left = text.indexOf("{{");
        if (left >= 0 && text.indexOf("}}", left) > 0) {
            throw new IllegalStateException("template " + template + " has an unknown placeholder: "
                    + text.substring(left, text.indexOf("}}", left) + 2));
        }
        return text;
    }

    static String resource(String path) {
        try (InputStream in = NewCommand.class.getResourceAsStream(RESOURCES + path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCES + path + " (a broken llmtb jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Quotes a word for a POSIX shell when it needs it. */
    static String shellQuote(String s) {
        if (s.matches("[A-Za-z0-9_./@%+=:,-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
