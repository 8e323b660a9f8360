package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.PluginSignature;
import io.llmtestbench.compiler.PluginSigner;
import io.llmtestbench.compiler.WasmCompiler;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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

/** The seed's security checklist, integrity part: SHA-256 pins and Ed25519 signatures, each tested both ways. */
class IntegrityTest {
    private static final KeyPair TRUSTED = PluginSigner.generateKeyPair();
    private static final KeyPair STRANGER = PluginSigner.generateKeyPair();

    @TempDir
    Path tmp;

    private Path copy(String plugin) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        return Files.copy(TestPlugins.wasm(plugin), dir.resolve(plugin + ".wasm"));
    }

    private Path jar(String plugin) throws Exception {
        var module = WasmCompiler.compile(Files.readAllBytes(TestPlugins.wasm(plugin)), CompilerOptions.defaults());
        Path jar = Files.createDirectories(tmp.resolve("jars")).resolve(plugin + ".jar");
        try (OutputStream out = Files.newOutputStream(jar)) {
            PluginArtifact.writeJar(out, List.of(PluginArtifact.Entry.of(plugin, plugin + ".wasm", module)));
        }
        return jar;
    }

    private static PluginSystem system(SignaturePolicy policy) {
        return system(policy, null);
    }

    private static PluginSystem system(SignaturePolicy policy, Path cacheDir) {
        return PluginSystem.builder().cacheDir(cacheDir).signaturePolicy(policy).pluginDirs(List.of()).scanClasspath(false).build();
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

    private static void zip(Path jar, Map<String, byte[]> files) throws Exception {
        try (var out = new ZipOutputStream(Files.newOutputStream(jar))) {
            for (var f : files.entrySet()) {
                out.putNextEntry(new ZipEntry(f.getKey()));
                out.write(f.getValue());
                out.closeEntry();
            }
        }
    }

    private static PluginLoadException.Stage stage(Throwable e) {
        return ((PluginLoadException) e).stage();
    }

    // ---- SHA-256 pins ---------------------------------------------------------------------------------------

    @Test
    void aPinnedWasmLoadsOnlyWithItsDigest() throws Exception {
        Path echo = copy("echo");
        String sha = WasmCompiler.sha256(Files.readAllBytes(echo));
        String wrong = "0".repeat(64);
        try (PluginSystem system = system(SignaturePolicy.none())) {
            PluginId id = system.loadPlugin(echo, LoadOptions.builder().sha256(sha.toUpperCase(java.util.Locale.ROOT)).build());
            assertThat(system.executePlugin(id, PluginInput.of("[1]")).data().get(0).asInt()).isEqualTo(1);
            assertThatThrownBy(() -> system.loadPlugin(echo, LoadOptions.builder().sha256(wrong).build()))
                    .satisfies(e -> assertThat(stage(e)).isEqualTo(PluginLoadException.Stage.UNTRUSTED))
                    .hasMessageContaining("LoadOptions.sha256 pins " + wrong)
                    .hasMessageContaining("the .wasm file has SHA-256 " + sha);
        }
        assertThatThrownBy(() -> LoadOptions.builder().sha256("abc").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 hex digits");
    }

    @Test
    void aPinnedJarPluginIsPinnedByItsManifestDigest() throws Exception {
        Path jar = jar("echo");
        String manifestSha = WasmCompiler.sha256(unzip(jar).get("META-INF/llmtb/plugins/echo/plugin.json"));
        String wasmSha = WasmCompiler.sha256(Files.readAllBytes(TestPlugins.wasm("echo")));
        try (PluginSystem system = system(SignaturePolicy.none())) {
            system.loadPlugin(jar, LoadOptions.builder().sha256(manifestSha).build());
            // the source module's digest is only a claim inside a jar: it is not accepted as a pin
            assertThatThrownBy(() -> system.loadPlugin(jar, LoadOptions.builder().sha256(wasmSha).build()))
                    .satisfies(e -> assertThat(stage(e)).isEqualTo(PluginLoadException.Stage.UNTRUSTED))
                    .hasMessageContaining("its manifest META-INF/llmtb/plugins/echo/plugin.json has SHA-256 " + manifestSha);
        }
    }

    @Test
    void aPinnedWasmIsCompiledFromTheVerifiedBytesNotTakenFromTheCache() throws Exception {
        Path echo = copy("echo");
        String sha = WasmCompiler.sha256(Files.readAllBytes(echo));
        Path cache = tmp.resolve("cache");
        try (PluginSystem system = system(SignaturePolicy.none(), cache)) {
            system.loadPlugin(echo); // fills the cache
            assertThat(system.describePlugin(system.loadPlugin(echo)).origin()).isEqualTo("cache");
            assertThat(system.describePlugin(system.loadPlugin(echo, LoadOptions.builder().sha256(sha).build())).origin()).isEqualTo("compiled");
        }
    }

    // ---- signatures of .wasm files -------------------------------------------------------------------------

    @Test
    void requiredSignaturesRefuseUnsignedPluginsAndAcceptTrustedOnes() throws Exception {
        Path echo = copy("echo");
        try (PluginSystem strict = system(SignaturePolicy.required(List.of(TRUSTED.getPublic())));
                PluginSystem lax = system(SignaturePolicy.none())) {
            assertThatThrownBy(() -> strict.loadPlugin(echo))
                    .satisfies(e -> assertThat(stage(e)).isEqualTo(PluginLoadException.Stage.UNTRUSTED))
                    .hasMessageContaining("not signed, and the signature policy requires a signature by a trusted key")
                    .hasMessageContaining(echo + ".sig").hasMessageContaining("PluginSigner.signWasm");
            lax.loadPlugin(echo); // no policy: unsigned is fine

            Path sig = PluginSigner.signWasm(echo, TRUSTED);
            assertThat(sig.getFileName().toString()).isEqualTo("echo.wasm.sig");
            PluginId id = strict.loadPlugin(echo);
            assertThat(strict.executePlugin(id, PluginInput.of("{\"a\":1}")).data().path("a").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aSignatureByAnUntrustedKeyIsRefusedNamingTheKey() throws Exception {
        Path echo = copy("echo");
        PluginSigner.signWasm(echo, STRANGER);
        try (PluginSystem strict = system(SignaturePolicy.required(List.of(TRUSTED.getPublic())));
                PluginSystem optional = system(SignaturePolicy.verifyIfSigned(List.of(TRUSTED.getPublic())));
                PluginSystem trusting = system(SignaturePolicy.required(List.of(TRUSTED.getPublic(), STRANGER.getPublic())))) {
            for (PluginSystem s : List.of(strict, optional)) {
                assertThatThrownBy(() -> s.loadPlugin(echo))
                        .satisfies(e -> assertThat(stage(e)).isEqualTo(PluginLoadException.Stage.UNTRUSTED))
                        .hasMessageContaining("signed by key " + PluginSignature.fingerprint(STRANGER.getPublic()))
                        .hasMessageContaining("does not trust (trusted: " + PluginSignature.fingerprint(TRUSTED.getPublic()) + ")");
            }
            trusting.loadPlugin(echo);
        }
    }

    @Test
    void aWasmModifiedAfterSigningIsRefusedNamingBothDigests() throws Exception {
        Path echo = copy("echo");
        PluginSigner.signWasm(echo, TRUSTED);
        String signedSha = WasmCompiler.sha256(Files.readAllBytes(echo));
        Files.write(echo, RegistryTest.variant(Files.readAllBytes(echo), "tampered"));
        String tamperedSha = WasmCompiler.sha256(Files.readAllBytes(echo));
        try (PluginSystem strict = system(SignaturePolicy.required(List.of(TRUSTED.getPublic())));
                PluginSystem optional = system(SignaturePolicy.verifyIfSigned(List.of(TRUSTED.getPublic())));
                PluginSystem unchecked = system(SignaturePolicy.none())) {
            for (PluginSystem s : List.of(strict, optional)) {
                assertThatThrownBy(() -> s.loadPlugin(echo))
                        .satisfies(e -> assertThat(stage(e)).isEqualTo(PluginLoadException.Stage.UNTRUSTED))
                        .hasMessageContaining("does not match: it signs SHA-256 " + signedSha)
                        .hasMessageContaining("the wasm loaded has SHA-256 " + tamperedSha)
                        .hasMessageContaining("modified after signing");
            }
            unchecked.loadPlugin(echo); // signatures are not looked at without a policy
        }
    }

    @Test
    void aSignatureOfAnotherFileOrAMalformedOneIsRefused() throws Exception {
        Path echo = copy("echo");
        Path other = copy("reload_v1");
        Files.copy(PluginSigner.signWasm(other, TRUSTED), echo.resolveSibling("echo.wasm.sig"));
        try (PluginSystem strict = system(SignaturePolicy.required(List.of(TRUSTED.getPublic())))) {
            assertThatThrownBy(() -> strict.loadPlugin(echo))
                    .satisfies(e -> assertThat(stage(e)).isEqualTo(PluginLoadException.Stage.UNTRUSTED))
                    .hasMessageContaining("the signature belongs to another file");
            strict.loadPlugin(other);

            Files.writeString(echo.resolveSibling("echo.wasm.sig"), "{\"format\": 1, \"algorithm\": \"RSA\"}", StandardCharsets.UTF_8);
            assertThatThrownBy(() -> strict.loadPlugin(echo))
                    .satisfies(e -> assertThat(stage(e)).isEqualTo(PluginLoadException.Stage.UNTRUSTED))
                    .hasMessageContaining("is malformed: unsupported algorithm 'RSA'");

            // right digest, forged bytes
            PluginSignature good = PluginSigner.sign(PluginSignature.WASM, WasmCompiler.sha256(Files.readAllBytes(echo)), TRUSTED);
            byte[] forged = good.signature();
            forged[0] ^= 1;
            Files.write(echo.resolveSibling("echo.wasm.sig"),
                    new PluginSignature(good.kind(), good.sha256(), good.keyFingerprint(), forged).toBytes());
            assertThatThrownBy(() -> strict.loadPlugin(echo)).hasMessageContaining("signature bytes do not verify");
        }
    }

    @Test
    void aSignedWasmIsCompiledFromTheVerifiedBytesNotTakenFromTheCache() throws Exception {
        Path echo = copy("echo");
        PluginSigner.signWasm(echo, TRUSTED);
        Path cache = tmp.resolve("cache");
        try (PluginSystem unchecked = system(SignaturePolicy.none(), cache);
                PluginSystem strict = system(SignaturePolicy.required(List.of(TRUSTED.getPublic())), cache)) {
            unchecked.loadPlugin(echo);
            assertThat(unchecked.describePlugin(unchecked.loadPlugin(echo)).origin()).isEqualTo("cache");
            assertThat(strict.describePlugin(strict.loadPlugin(echo)).origin()).isEqualTo("compiled");
        }
    }

    // ---- signatures of pre-compiled jars -------------------------------------------------------------------

    @Test
    void aSignedJarLoadsUnderARequiredPolicyAndAnUnsignedOneDoesNot() throws Exception {
        Path jar = jar("echo");
        try (PluginSystem strict = system(SignaturePolicy.required(List.of(TRUSTED.getPublic())))) {
            assertThatThrownBy(() -> strict.loadPlugin(jar))
                    .satisfies(e -> assertThat(stage(e)).isEqualTo(PluginLoadException.Stage.UNTRUSTED))
                    .hasMessageContaining("META-INF/llmtb/plugins/echo/plugin.json.sig").hasMessageContaining("PluginSigner.signJar");
            assertThat(PluginSigner.signJar(jar, TRUSTED)).containsExactly("echo");
            PluginId id = strict.loadPlugin(jar);
            assertThat(strict.describePlugin(id).origin()).isEqualTo("jar");
            assertThat(strict.executePlugin(id, PluginInput.of("[2]")).data().get(0).asInt()).isEqualTo(2);
        }
    }

    @Test
    void aJarWhoseClassesWereReplacedIsRefusedWhetherOrNotTheManifestWasUpdated() throws Exception {
        Path jar = jar("echo");
        PluginSigner.signJar(jar, TRUSTED);
        Map<String, byte[]> files = unzip(jar);
        String manifestPath = "META-INF/llmtb/plugins/echo/plugin.json";
        String victim = files.keySet().stream().filter(n -> n.endsWith(".class")).findFirst().orElseThrow();
        byte[] evil = files.get(victim).clone();
        evil[evil.length - 1] ^= 1;
        String className = victim.substring(0, victim.length() - ".class".length()).replace('/', '.');
        try (PluginSystem strict = system(SignaturePolicy.required(List.of(TRUSTED.getPublic())))) {
            // only the class changed: it no longer matches the (signed) manifest
            Map<String, byte[]> classOnly = new LinkedHashMap<>(files);
            classOnly.put(victim, evil);
            zip(jar, classOnly);
            assertThatThrownBy(() -> strict.loadPlugin(jar)).isInstanceOf(PluginLoadException.class)
                    .hasMessageContaining("class " + className + " does not match its SHA-256 in plugin.json");

            // the manifest rewritten to match: now the signature does not
            Map<String, byte[]> both = new LinkedHashMap<>(classOnly);
            String manifest = new String(files.get(manifestPath), StandardCharsets.UTF_8)
                    .replace(WasmCompiler.sha256(files.get(victim)), WasmCompiler.sha256(evil));
            both.put(manifestPath, manifest.getBytes(StandardCharsets.UTF_8));
            zip(jar, both);
            assertThatThrownBy(() -> strict.loadPlugin(jar))
                    .satisfies(e -> assertThat(stage(e)).isEqualTo(PluginLoadException.Stage.UNTRUSTED))
                    .hasMessageContaining("the manifest loaded has SHA-256 " + WasmCompiler.sha256(both.get(manifestPath)));

            // and the signature removed: unsigned
            both.remove(manifestPath + ".sig");
            zip(jar, both);
            assertThatThrownBy(() -> strict.loadPlugin(jar))
                    .satisfies(e -> assertThat(stage(e)).isEqualTo(PluginLoadException.Stage.UNTRUSTED));
        }
    }

    @Test
    void aWasmSignatureIsNotAcceptedForAManifest() throws Exception {
        Path jar = jar("echo");
        Map<String, byte[]> files = unzip(jar);
        String manifestPath = "META-INF/llmtb/plugins/echo/plugin.json";
        // a signature of kind "wasm" over the manifest's digest, slipped into the jar
        files.put(manifestPath + ".sig", PluginSigner.sign(PluginSignature.WASM, WasmCompiler.sha256(files.get(manifestPath)), TRUSTED).toBytes());
        zip(jar, files);
        try (PluginSystem strict = system(SignaturePolicy.required(List.of(TRUSTED.getPublic())))) {
            assertThatThrownBy(() -> strict.loadPlugin(jar))
                    .satisfies(e -> assertThat(stage(e)).isEqualTo(PluginLoadException.Stage.UNTRUSTED))
                    .hasMessageContaining("signs a wasm, but it is used for a manifest");
        }
    }

    // ---- discovery applies the policy -----------------------------------------------------------------------

    @Test
    void discoveryUnderARequiredPolicyIndexesOnlySignedPluginsAndSaysWhoSigned() throws Exception {
        Path echo = copy("echo");
        copy("reload_v1");
        PluginSigner.signWasm(echo, TRUSTED);
        Path jar = Files.move(jar("threshold-filter"), echo.resolveSibling("threshold-filter.jar"));
        PluginSigner.signJar(jar, TRUSTED);
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).signaturePolicy(SignaturePolicy.required(List.of(TRUSTED.getPublic())))
                .pluginDirs(List.of(echo.getParent())).scanClasspath(false).build()) {
            Discovery found = system.discover();
            assertThat(found.plugins()).extracting(PluginDescriptor::name).containsExactly("echo", "threshold-filter");
            assertThat(found.plugins()).allSatisfy(d -> assertThat(d.signedBy()).isEqualTo(PluginSignature.fingerprint(TRUSTED.getPublic())));
            assertThat(found.problems()).singleElement().satisfies(e -> {
                assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNTRUSTED);
                assertThat(e.getMessage()).contains("reload_v1.wasm");
            });
            assertThat(system.loadPlugin("threshold-filter").name()).isEqualTo("threshold-filter");
        }
    }

    @Test
    void policiesNeedKeysWhenTheyRequireSignatures() {
        assertThatThrownBy(() -> SignaturePolicy.required(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one trusted key");
        assertThat(SignaturePolicy.none().checksSignatures()).isFalse();
        try (PluginSystem system = PluginSystem.create()) {
            assertThat(system.options().signaturePolicy()).isEqualTo(SignaturePolicy.none());
        }
    }
}
