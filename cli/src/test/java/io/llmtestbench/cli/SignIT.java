package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code llmtb keygen}, {@code llmtb sign} and the signature flags of run, inspect and eval, through the real jar. */
class SignIT {

    /** A fresh key pair in {@code dir}; returns the prefix. */
    private static Path keygen(Path dir, String name) throws IOException {
        Path prefix = dir.resolve(name);
        Files.deleteIfExists(dir.resolve(name + ".key"));
        Files.deleteIfExists(dir.resolve(name + ".pub"));
        var r = Llmtb.run("keygen", "--out", prefix.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("Key fingerprint: ");
        return prefix;
    }

    private static Path file(Path prefix, String suffix) {
        return prefix.resolveSibling(prefix.getFileName() + suffix);
    }

    /** A pre-compiled jar of echo and similarity-evaluator. */
    private static Path compiledJar(Path dir, String name) {
        Path jar = dir.resolve(name);
        var c = Llmtb.run("compile", Llmtb.plugin("echo").toString(), Llmtb.plugin("similarity-evaluator").toString(), "-o", jar.toString());
        assertThat(c.exit()).as(c.toString()).isZero();
        return jar;
    }

    private static Llmtb.Result runEcho(Path plugin, String... flags) {
        String[] base = plugin.toString().endsWith(".jar")
                ? new String[] {"run", plugin.toString(), "--id", "echo", "--input", "{\"text\":\"signed\"}"}
                : new String[] {"run", plugin.toString(), "--input", "{\"text\":\"signed\"}"};
        String[] args = Stream.concat(Stream.of(base), Stream.of(flags)).toArray(String[]::new);
        return Llmtb.run(args);
    }

    private static void assertRefused(Llmtb.Result r, String... reason) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.stdout().strip().lines()).hasSize(1);
        JsonNode e = r.json().path("error");
        assertThat(e.path("kind").asText()).as(r.toString()).isEqualTo("INVALID_PLUGIN");
        assertThat(e.path("message").asText()).as(r.toString()).contains(reason);
    }

    @Test
    void keygenWritesAPrivateAndAPublicKeyAndRefusesToOverwrite() throws IOException {
        Path dir = Llmtb.work("sign-keygen");
        Path prefix = keygen(dir, "k");
        Path priv = file(prefix, ".key");
        Path pub = file(prefix, ".pub");
        assertThat(Files.readString(priv).strip()).matches("[A-Za-z0-9+/=]+");
        assertThat(Files.readString(pub).strip()).matches("[A-Za-z0-9+/=]+");
        if (Files.getFileStore(priv).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(priv)).as("private key readable by its owner only")
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
        String before = Files.readString(priv);
        var again = Llmtb.run("keygen", "--out", prefix.toString());
        assertThat(again.exit()).as(again.toString()).isEqualTo(2);
        assertThat(again.stderr()).contains("exists", "--force");
        assertThat(Files.readString(priv)).isEqualTo(before);
        var forced = Llmtb.run("keygen", "--out", prefix.toString(), "--force");
        assertThat(forced.exit()).as(forced.toString()).isZero();
        assertThat(Files.readString(priv)).isNotEqualTo(before);
    }

    @Test
    void signedJarLoadsUnderRequireSignatureTamperedUnsignedAndUntrustedAreRefused() throws IOException {
        Path dir = Llmtb.work("sign-jar");
        Path keys = keygen(dir, "signer");
        Path stranger = keygen(dir, "stranger");
        Path jar = compiledJar(dir, "plugins.jar");
        Path unsigned = dir.resolve("unsigned.jar");
        Files.copy(jar, unsigned, StandardCopyOption.REPLACE_EXISTING);

        boolean posix = Files.getFileStore(jar).supportsFileAttributeView("posix");
        if (posix) {
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        }
        var s = Llmtb.run("sign", jar.toString(), "--key", file(keys, ".key").toString());
        assertThat(s.exit()).as(s.toString()).isZero();
        assertThat(s.stdout()).contains("2 plugins", "echo", "similarity-evaluator");
        if (posix) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jar))).as("signing keeps the jar's mode")
                    .isEqualTo("rw-r--r--");
        }
        assertThat(entries(jar)).containsKeys("META-INF/llmtb/plugins/echo/plugin.json.sig",
                "META-INF/llmtb/plugins/similarity-evaluator/plugin.json.sig");

        String trust = file(keys, ".pub").toString();
        var ok = runEcho(jar, "--trusted-key", trust, "--require-signature");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.json().path("data").path("text").asText()).isEqualTo("signed");

        assertRefused(runEcho(unsigned, "--trusted-key", trust, "--require-signature"), "not signed", "llmtb sign");
        // without --require-signature an unsigned plugin loads; a signed one must still verify
        assertThat(runEcho(unsigned, "--trusted-key", trust).exit()).isZero();
        assertRefused(runEcho(jar, "--trusted-key", file(stranger, ".pub").toString()), "does not trust");

        Path tampered = dir.resolve("tampered.jar");
        Map<String, byte[]> files = entries(jar);
        String manifest = "META-INF/llmtb/plugins/echo/plugin.json";
        files.put(manifest, (new String(files.get(manifest), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
        write(tampered, files);
        assertRefused(runEcho(tampered, "--trusted-key", trust, "--require-signature"), "does not match", "modified after signing");
        // the other plugin of the jar is untouched
        var other = Llmtb.run("run", tampered.toString(), "--id", "similarity-evaluator", "--input", "{\"text\":\"a\",\"expected\":\"a\"}",
                "--trusted-key", trust, "--require-signature");
        assertThat(other.exit()).as(other.toString()).isZero();
    }

    @Test
    void signedWasmGetsADetachedSignatureBesideIt() throws IOException {
        Path dir = Llmtb.work("sign-wasm");
        Path keys = keygen(dir, "k");
        Path wasm = dir.resolve("echo.wasm");
        Files.copy(Llmtb.plugin("echo"), wasm, StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(dir.resolve("echo.wasm.sig"));
        String trust = file(keys, ".pub").toString();

        assertRefused(runEcho(wasm, "--trusted-key", trust, "--require-signature"), "not signed", "echo.wasm.sig");

        var s = Llmtb.run("sign", wasm.toString(), "--key", file(keys, ".key").toString());
        assertThat(s.exit()).as(s.toString()).isZero();
        assertThat(dir.resolve("echo.wasm.sig")).isRegularFile();
        if (Files.getFileStore(wasm).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(dir.resolve("echo.wasm.sig"))).as("as readable as the .wasm")
                    .isEqualTo(Files.getPosixFilePermissions(wasm));
        }
        assertThat(Files.readString(dir.resolve("echo.wasm.sig"))).contains("\"signed\" : \"wasm\"");
        var ok = runEcho(wasm, "--trusted-key", trust, "--require-signature");
        assertThat(ok.exit()).as(ok.toString()).isZero();

        // the public key is derived from the private one: signing needs only the .key file
        Path alone = Llmtb.work("sign-wasm/alone");
        Files.copy(file(keys, ".key"), alone.resolve("only.key"), StandardCopyOption.REPLACE_EXISTING);
        var s2 = Llmtb.run("sign", wasm.toString(), "--key", alone.resolve("only.key").toString());
        assertThat(s2.exit()).as(s2.toString()).isZero();
        assertThat(runEcho(wasm, "--trusted-key", trust, "--require-signature").exit()).isZero();

        byte[] bytes = Files.readAllBytes(wasm);
        bytes[bytes.length - 1] ^= 1;
        Files.write(wasm, bytes);
        assertRefused(runEcho(wasm, "--trusted-key", trust, "--require-signature"), "does not match");

        var inspect = Llmtb.run("inspect", wasm.toString(), "--format", "json", "--trusted-key", trust, "--require-signature");
        assertThat(inspect.exit()).as(inspect.toString()).isEqualTo(1);
        assertThat(inspect.json().path("valid").asBoolean()).isFalse();
        assertThat(inspect.json().path("error").path("message").asText()).contains("does not match");
        assertThat(inspect.json().path("abi").path("ok").isNull()).as("the load stopped before the ABI check").isTrue();
    }

    /** The real pre-compiled test plugins jar (test-plugins/target), when it is built. */
    @Test
    void theTestPluginsJar() throws IOException {
        Path target = Llmtb.projectDir().resolve("test-plugins/target");
        Path built;
        try (Stream<Path> s = Files.isDirectory(target) ? Files.list(target) : Stream.empty()) {
            built = s.filter(p -> p.getFileName().toString().matches("llmtb-test-plugins-.*\\.jar")).findFirst().orElse(null);
        }
        Assumptions.assumeTrue(built != null, "test-plugins/target/llmtb-test-plugins-*.jar not built");
        Path dir = Llmtb.work("sign-test-plugins");
        Path keys = keygen(dir, "k");
        Path jar = dir.resolve("test-plugins.jar");
        Files.copy(built, jar, StandardCopyOption.REPLACE_EXISTING);
        String trust = file(keys, ".pub").toString();
        String[] run = {"run", jar.toString(), "--id", "similarity-evaluator", "--input", "{\"text\":\"Paris\",\"expected\":\"Paris\"}",
            "--trusted-key", trust, "--require-signature"};

        assertRefused(Llmtb.run(run), "not signed");
        var s = Llmtb.run("sign", jar.toString(), "--key", file(keys, ".key").toString());
        assertThat(s.exit()).as(s.toString()).isZero();
        var ok = Llmtb.run(run);
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.json().path("data").path("score").asDouble()).isEqualTo(1.0);
    }

    @Test
    void signErrors() throws IOException {
        Path dir = Llmtb.work("sign-errors");
        Path keys = keygen(dir, "k");
        var publicAsPrivate = Llmtb.run("sign", Llmtb.plugin("echo").toString(), "--key", file(keys, ".pub").toString());
        assertThat(publicAsPrivate.exit()).as(publicAsPrivate.toString()).isEqualTo(2);
        assertThat(publicAsPrivate.stderr()).contains("this is a public key");
        var privateAsTrusted = Llmtb.run("run", Llmtb.plugin("echo").toString(), "--input", "{}", "--trusted-key", file(keys, ".key").toString());
        assertThat(privateAsTrusted.exit()).isEqualTo(2);
        assertThat(privateAsTrusted.stderr()).contains("this is a private key");
        var missing = Llmtb.run("sign", dir.resolve("nope.wasm").toString(), "--key", file(keys, ".key").toString());
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(1);
        assertThat(missing.stderr()).contains("no such file");
        Path notPlugin = dir.resolve("notes.txt");
        Files.writeString(notPlugin, "hello");
        var text = Llmtb.run("sign", notPlugin.toString(), "--key", file(keys, ".key").toString());
        assertThat(text.exit()).isEqualTo(1);
        assertThat(text.stderr()).contains("not a WebAssembly module");
    }

    @Test
    void pipelineDefaultsNameTrustedKeysAndRequireSignatures() throws IOException {
        Path dir = Llmtb.work("sign-eval");
        Path keys = keygen(dir, "k");
        Path jar = compiledJar(dir, "plugins.jar");
        Path unsigned = dir.resolve("unsigned.jar");
        Files.copy(jar, unsigned, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Llmtb.run("sign", jar.toString(), "--key", file(keys, ".key").toString()).exit()).isZero();
        Path data = dir.resolve("data.jsonl");
        Files.writeString(data, "{\"id\":1,\"response\":\"Paris\",\"expected\":\"Paris\"}\n");

        Path good = dir.resolve("signed.json");
        Files.writeString(good, "{\"defaults\": {\"trusted_keys\": [\"k.pub\"], \"require_signature\": true},"
                + " \"evaluators\": [{\"plugin\": \"plugins.jar\", \"id\": \"similarity-evaluator\"}]}");
        var ok = Llmtb.run("eval", "--pipeline", good.toString(), "--data", data.toString(), "--format", "json");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.json().path("kept").asInt()).isEqualTo(1);

        Path bad = dir.resolve("unsigned.json");
        Files.writeString(bad, "{\"defaults\": {\"trusted_keys\": \"k.pub\", \"require_signature\": true},"
                + " \"evaluators\": [{\"plugin\": \"unsigned.jar\", \"id\": \"similarity-evaluator\"}]}");
        var refused = Llmtb.run("eval", "--pipeline", bad.toString(), "--data", data.toString());
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.stderr()).contains("evaluators[0]", "not signed");
        assertThat(refused.json().path("error").path("kind").asText()).isEqualTo("INVALID_PLUGIN");
        assertThat(refused.json().path("error").path("message").asText()).contains("evaluators[0]", "not signed");

        // --require-signature on the command line applies to a pipeline without signature settings
        Path plain = dir.resolve("plain.json");
        Files.writeString(plain, "{\"evaluators\": [{\"plugin\": \"unsigned.jar\", \"id\": \"similarity-evaluator\"}]}");
        var flag = Llmtb.run("eval", "--pipeline", plain.toString(), "--data", data.toString(), "--trusted-key",
                file(keys, ".pub").toString(), "--require-signature");
        assertThat(flag.exit()).as(flag.toString()).isEqualTo(1);
        assertThat(flag.stderr()).contains("not signed");

        Path noKey = dir.resolve("nokey.json");
        Files.writeString(noKey, "{\"defaults\": {\"require_signature\": true}, \"evaluators\": [\"plugins.jar\"]}");
        var usage = Llmtb.run("eval", "--pipeline", noKey.toString(), "--data", data.toString());
        assertThat(usage.exit()).as(usage.toString()).isEqualTo(2);
        assertThat(usage.stderr()).contains("require_signature needs at least one key");

        Path missingKey = dir.resolve("missingkey.json");
        Files.writeString(missingKey, "{\"defaults\": {\"trusted_keys\": [\"nope.pub\"]}, \"evaluators\": [\"plugins.jar\"]}");
        var usage2 = Llmtb.run("eval", "--pipeline", missingKey.toString(), "--data", data.toString());
        assertThat(usage2.exit()).as(usage2.toString()).isEqualTo(2);
        assertThat(usage2.stderr()).contains("trusted_keys", "no such file", "nope.pub");
    }

    private static Map<String, byte[]> entries(Path jar) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(jar); var zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (!e.isDirectory()) {
                    files.put(e.getName(), zip.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static void write(Path jar, Map<String, byte[]> files) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); var zip = new ZipOutputStream(out)) {
            for (var f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeEntry();
            }
        }
    }
}
