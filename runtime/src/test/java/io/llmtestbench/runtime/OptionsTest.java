package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.llmtestbench.compiler.CompileLimits;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The four options types: one shape each (a record and its builder), defaults, copies and validation. */
class OptionsTest {

    @Test
    void eachOptionsTypeHasOneConstructorAndABuilder() throws Exception {
        for (Class<?> type : List.of(SystemOptions.class, LoadOptions.class, ResourceLimits.class, PluginPermissions.class)) {
            assertThat(type.isRecord()).as(type + " is a record").isTrue();
            assertThat(type.getDeclaredConstructors()).as(type + ": the canonical constructor only").hasSize(1);
        }
        for (Class<?> builder : List.of(PluginSystem.Builder.class, LoadOptions.Builder.class, ResourceLimits.Builder.class,
                PluginPermissions.Builder.class)) {
            assertThat(builder.getDeclaredConstructors()).singleElement()
                    .satisfies(c -> assertThat(Modifier.isPrivate(c.getModifiers())).as(builder + " is made by builder()").isTrue());
        }
    }

    @Test
    void systemDefaults() {
        try (PluginSystem system = PluginSystem.create()) {
            SystemOptions o = system.options();
            assertThat(o.defaultLimits()).isEqualTo(ResourceLimits.defaults());
            assertThat(o.enableWasi()).isFalse();
            assertThat(o.maxInstances()).isEqualTo(SystemOptions.DEFAULT_MAX_INSTANCES).isEqualTo(50);
            assertThat(o.cacheDir()).isEqualTo(SystemOptions.defaultCacheDir());
            assertThat(o.signaturePolicy()).isEqualTo(SignaturePolicy.none());
            assertThat(o.pluginDirs()).isEmpty();
            assertThat(o.scanClasspath()).isTrue();
        }
        assertThatThrownBy(() -> PluginSystem.builder().maxInstances(0).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxInstances must be positive");
    }

    @Test
    void builtSystemsKeepWhatWasSet() {
        ResourceLimits limits = ResourceLimits.builder().maxInstructions(123_456).build();
        CompileLimits compileLimits = CompileLimits.defaults().withMaxTypes(77);
        try (PluginSystem system = PluginSystem.builder().defaultLimits(limits).enableWasi(true).maxInstances(3).cacheDir(null)
                .pluginDirs(List.of(Path.of("plugins"))).scanClasspath(false).compileLimits(compileLimits).build()) {
            assertThat(system.options()).isEqualTo(new SystemOptions(limits, true, 3, null, SignaturePolicy.none(),
                    List.of(Path.of("plugins")), false, compileLimits));
            // a plugin loaded without limits of its own gets the system's
            PluginId id = system.loadPlugin(TestPlugins.wasm("echo"));
            assertThat(system.describePlugin(id).limits()).isEqualTo(limits);
        }
    }

    @Test
    void loadOptionsDefaultsAndCopies() {
        LoadOptions d = LoadOptions.defaults();
        assertThat(d.config()).isEqualTo(JsonNodeFactory.instance.objectNode());
        assertThat(d.limits()).isNull();
        assertThat(d.permissions()).isEqualTo(PluginPermissions.none());
        assertThat(d.randomSeed()).isNull();
        assertThat(d.requireMetering()).isTrue();
        assertThat(d.sha256()).isNull();
        assertThat(d.maxExecutionsPerSecond()).isZero();

        LoadOptions o = LoadOptions.builder().randomSeed(7L).sha256("AB".repeat(32)).maxExecutionsPerSecond(2.5).build();
        assertThat(o.sha256()).isEqualTo("ab".repeat(32));
        assertThat(o.toBuilder().build()).isEqualTo(o);
        assertThat(o.toBuilder().sha256(null).build()).isEqualTo(LoadOptions.builder().randomSeed(7L).maxExecutionsPerSecond(2.5).build());
        assertThatThrownBy(() -> LoadOptions.builder().config(JsonNodeFactory.instance.arrayNode()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> LoadOptions.builder().maxExecutionsPerSecond(-1).build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void permissionsBuilderGrantsWhatItNames() {
        assertThat(PluginPermissions.builder().build()).isEqualTo(PluginPermissions.none());
        PluginPermissions p = PluginPermissions.builder().grantDirs(DirGrant.readOnly(Path.of("/srv/models")).at("/models"))
                .grantHosts("api.openai.com").envVars("HOME").build();
        assertThat(p.filesystem()).isTrue();
        assertThat(p.allowedDirs()).containsExactly("/srv/models:/models:ro");
        assertThat(p.network()).isTrue();
        assertThat(p.allowedHosts()).containsExactly("api.openai.com");
        assertThat(p.envVars()).containsExactly("HOME");
        assertThat(p.toBuilder().build()).isEqualTo(p);
        assertThat(p.toBuilder().network(false).build().allowedHosts()).as("setters change only their component").containsExactly("api.openai.com");
        assertThatThrownBy(() -> PluginPermissions.builder().grantHosts("*").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PluginPermissions.builder().envVars("A=B").build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void limitsCopyThroughTheirBuilder() {
        ResourceLimits l = ResourceLimits.builder().maxMemoryBytes(1 << 20).maxHttpResponseBytes(0).build();
        assertThat(l.toBuilder().build()).isEqualTo(l);
        assertThat(l.toBuilder().maxCallDepth(10).build().maxMemoryBytes()).isEqualTo(1 << 20);
        assertThatThrownBy(() -> ResourceLimits.builder().maxMemoryBytes(1).build()).isInstanceOf(IllegalArgumentException.class);
    }
}
