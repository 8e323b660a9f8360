package io.llmtestbench.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginSignerTest {
    private static final KeyPair KEYS = PluginSigner.generateKeyPair();

    @TempDir
    Path tmp;

    private static byte[] wasm() {
        return TestWasm.bytes(TEST_MODULE);
    }

    private static final String TEST_MODULE = "countdown.wasm";

    private Path jar() throws Exception {
        Path jar = tmp.resolve("plugins.jar");
        CompiledModule m = WasmCompiler.compile(wasm(), CompilerOptions.defaults());
        try (OutputStream out = Files.newOutputStream(jar)) {
            PluginArtifact.writeJar(out, List.of(PluginArtifact.Entry.of("a", "a.wasm", m), PluginArtifact.Entry.of("b", "b.wasm", m)));
        }
        return jar;
    }

    private static Map<String, byte[]> unzip(Path jar) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (var zip = new ZipInputStream(Files.newInputStream(jar))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                files.put(e.getName(), zip.readAllBytes());
            }
        }
        return files;
    }

    @Test
    void aSignedWasmVerifiesWithItsKeyOnly() throws Exception {
        Path file = Files.write(tmp.resolve("p.wasm"), wasm());
        Path sigFile = PluginSigner.signWasm(file, KEYS);
        assertThat(sigFile).isEqualTo(tmp.resolve("p.wasm.sig"));
        PluginSignature sig = PluginSignature.parse(Files.readAllBytes(sigFile));
        String sha = WasmCompiler.sha256(wasm());
        assertThat(sig.kind()).isEqualTo(PluginSignature.WASM);
        assertThat(sig.sha256()).isEqualTo(sha);
        assertThat(sig.keyFingerprint()).isEqualTo(PluginSignature.fingerprint(KEYS.getPublic())).hasSize(64);
        assertThat(sig.verifies(KEYS.getPublic(), PluginSignature.WASM, sha)).isTrue();
        assertThat(sig.verifies(KEYS.getPublic(), PluginSignature.MANIFEST, sha)).isFalse();
        assertThat(sig.verifies(KEYS.getPublic(), PluginSignature.WASM, "0".repeat(64))).isFalse();
        assertThat(sig.verifies(PluginSigner.generateKeyPair().getPublic(), PluginSignature.WASM, sha)).isFalse();
        assertThatThrownBy(() -> PluginSigner.signWasm(Files.writeString(tmp.resolve("x.wasm"), "(module)"), KEYS))
                .hasMessageContaining("not a WebAssembly module");
    }

    @Test
    void signedFilesKeepOrdinaryPermissions() throws Exception {
        Path file = Files.write(tmp.resolve("m.wasm"), wasm());
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path sigFile = PluginSigner.signWasm(file, KEYS);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(sigFile))).isEqualTo("rw-r--r--");
        Path jar = jar();
        Files.setPosixFilePermissions(jar, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
        PluginSigner.signJar(jar, KEYS);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(jar))).isEqualTo("rw-rw-r--");
    }

    @Test
    void keysRoundTripThroughTheirEncodings() {
        var pub = PluginSigner.decodePublicKey(PluginSigner.encode(KEYS.getPublic()));
        var priv = PluginSigner.decodePrivateKey(PluginSigner.encode(KEYS.getPrivate()));
        PluginSignature sig = PluginSigner.sign(PluginSignature.WASM, "ab".repeat(32), new KeyPair(pub, priv));
        assertThat(sig.verifies(KEYS.getPublic(), PluginSignature.WASM, "ab".repeat(32))).isTrue();
        assertThatThrownBy(() -> PluginSigner.decodePublicKey("bm90IGEga2V5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a base64 X.509 Ed25519 public key");
    }

    @Test
    void signingAJarAddsOneSignaturePerPluginReproduciblyAndKeepsItLoadable() throws Exception {
        Path jar = jar();
        Map<String, byte[]> before = unzip(jar);
        assertThat(PluginSigner.signJar(jar, KEYS)).containsExactly("a", "b");
        Map<String, byte[]> after = unzip(jar);
        List<String> names = List.copyOf(after.keySet());
        assertThat(names.indexOf("META-INF/llmtb/plugins/a/plugin.json.sig"))
                .isEqualTo(names.indexOf("META-INF/llmtb/plugins/a/plugin.json") + 1);
        for (String id : List.of("a", "b")) {
            byte[] manifest = after.get("META-INF/llmtb/plugins/" + id + "/plugin.json");
            PluginSignature sig = PluginSignature.parse(after.get("META-INF/llmtb/plugins/" + id + "/plugin.json.sig"));
            assertThat(sig.verifies(KEYS.getPublic(), PluginSignature.MANIFEST, WasmCompiler.sha256(manifest))).isTrue();
        }
        after.keySet().removeIf(n -> n.endsWith(".sig"));
        assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
        assertThat(PluginArtifact.readJar(jar)).hasSize(2);

        // Ed25519 is deterministic and entry times are kept: signing again gives the same bytes
        byte[] once = Files.readAllBytes(jar);
        PluginSigner.signJar(jar, KEYS);
        assertThat(Files.readAllBytes(jar)).isEqualTo(once);
    }

    @Test
    void aJarThatWouldNotLoadIsNotSigned() throws Exception {
        Path jar = jar();
        Map<String, byte[]> files = unzip(jar);
        String cls = files.keySet().stream().filter(n -> n.endsWith(".class")).findFirst().orElseThrow();
        files.get(cls)[10] ^= 1;
        try (var out = new ZipOutputStream(Files.newOutputStream(jar))) {
            for (var f : files.entrySet()) {
                out.putNextEntry(new ZipEntry(f.getKey()));
                out.write(f.getValue());
                out.closeEntry();
            }
        }
        assertThatThrownBy(() -> PluginSigner.signJar(jar, KEYS)).hasMessageContaining("does not match its SHA-256");
    }

    @Test
    void signingADirectoryWritesSignatureFiles() throws Exception {
        Path dir = tmp.resolve("classes");
        CompiledModule m = WasmCompiler.compile(wasm(), CompilerOptions.defaults());
        PluginArtifact.writeDirectory(dir, List.of(PluginArtifact.Entry.of("a", "a.wasm", m)));
        assertThat(PluginSigner.signDirectory(dir, KEYS)).containsExactly("a");
        Path manifest = dir.resolve("META-INF/llmtb/plugins/a/plugin.json");
        PluginSignature sig = PluginSignature.parse(Files.readAllBytes(manifest.resolveSibling("plugin.json.sig")));
        assertThat(sig.verifies(KEYS.getPublic(), PluginSignature.MANIFEST, WasmCompiler.sha256(Files.readAllBytes(manifest)))).isTrue();
    }

    @Test
    void malformedSignatureFilesAreRefusedSayingWhy() {
        assertThatThrownBy(() -> PluginSignature.parse("nope".getBytes())).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> PluginSignature.parse("{\"format\":2}".getBytes())).hasMessageContaining("unsupported signature format 2");
        assertThatThrownBy(() -> PluginSignature.parse(
                "{\"format\":1,\"algorithm\":\"Ed25519\",\"signed\":\"wasm\",\"sha256\":\"x\",\"key\":\"k\",\"signature\":\"***\"}".getBytes()))
                .hasMessageContaining("not base64");
        assertThatThrownBy(() -> PluginSignature.parse(
                "{\"format\":1,\"algorithm\":\"Ed25519\",\"signed\":\"jar\",\"sha256\":\"x\",\"key\":\"k\",\"signature\":\"\"}".getBytes()))
                .hasMessageContaining("signature kind must be");
    }
}
