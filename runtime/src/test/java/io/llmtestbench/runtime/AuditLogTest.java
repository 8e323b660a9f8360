package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.runtime.testlog.CapturingLogProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;

/**
 * Every execution is audited on {@code llmtb.audit} with SLF4J 2 key-value pairs. Captured in memory by the
 * test SLF4J provider ({@link CapturingLogProvider}), which sees each event exactly as the runtime built it.
 */
class AuditLogTest {

    @BeforeAll
    static void theCapturingProviderIsInstalled() {
        org.slf4j.LoggerFactory.getILoggerFactory(); // initialises SLF4J if nothing has yet
        assertThat(CapturingLogProvider.installed())
                .as("SLF4J must be bound to CapturingLogProvider: run with -Dslf4j.provider=" + CapturingLogProvider.class.getName()
                        + " (runtime/pom.xml sets it)")
                .isTrue();
    }

    /** The audit events of one loaded plugin version (serials are unique in the JVM), as key-value maps. */
    private static List<Map<String, Object>> events(PluginId id) {
        return CapturingLogProvider.auditEvents().stream()
                .filter(e -> id.name().equals(kv(e).get("plugin")) && Long.valueOf(id.serial()).equals(kv(e).get("serial")))
                .map(AuditLogTest::kv).toList();
    }

    private static Map<String, Object> kv(LoggingEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (e.getKeyValuePairs() != null) {
            e.getKeyValuePairs().forEach(p -> m.put(p.key, p.value));
        }
        return m;
    }

    @Test
    void aSuccessfulExecutionIsAuditedWithItsFigures() {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("echo"));
            PluginOutput out = system.executePlugin(id, PluginInput.of("{\"hello\":\"world\"}"));
            Map<String, Object> e = events(id).get(0);
            assertThat(e).containsEntry("plugin", "echo").containsEntry("version", "1.0.0")
                    .containsEntry("input_bytes", 17L).containsEntry("outcome", "ok")
                    .containsEntry("fuel", out.metadata().fuelUsed()).containsKey("time_ms").doesNotContainKey("error");
            assertThat((Long) e.get("fuel")).isPositive();
            assertThat(events(id)).hasSize(1);
            LoggingEvent raw = CapturingLogProvider.auditEvents().stream().filter(ev -> kv(ev).equals(e)).findFirst().orElseThrow();
            assertThat(raw.getLoggerName()).isEqualTo("llmtb.audit");
            assertThat(raw.getLevel()).isEqualTo(Level.INFO);
            assertThat(raw.getThrowable()).as("no exception is kept: it could pin the plugin's classes").isNull();
        }
    }

    @Test
    void failuresAreAuditedWithTheirKindAndMessageAndByNameExecutionsToo() {
        try (PluginSystem system = TestPlugins.system(ResourceLimits.builder().maxInstructions(100_000).build())) {
            PluginId trap = system.loadPlugin(TestPlugins.wasm("trap_unreachable"));
            PluginId spin = system.loadPlugin(TestPlugins.wasm("loop_forever"));
            PluginId error = system.loadPlugin(TestPlugins.wasm("returns_error_code"));
            assertThatThrownBy(() -> system.executePlugin(trap, PluginInput.of("[1,2,3]"))).isInstanceOf(PluginExecutionException.class);
            assertThatThrownBy(() -> system.executePlugin("loop_forever", PluginInput.of("{}"))).isInstanceOf(FuelExhaustedException.class);
            assertThatThrownBy(() -> system.executePlugin(error, PluginInput.of("{}"))).isInstanceOf(PluginExecutionException.class);

            assertThat(events(trap)).singleElement().satisfies(e -> assertThat(e)
                    .containsEntry("outcome", "TRAP").containsEntry("input_bytes", 7L)
                    .hasEntrySatisfying("error", m -> assertThat((String) m).startsWith("Plugin 'trap_unreachable' trapped")));
            assertThat(events(spin)).singleElement().satisfies(e -> assertThat(e)
                    .containsEntry("outcome", "FUEL_EXHAUSTED").containsEntry("version", "1.0.0")
                    .hasEntrySatisfying("fuel", f -> assertThat((Long) f).isGreaterThanOrEqualTo(100_000L)));
            assertThat(events(error)).singleElement().satisfies(e -> assertThat(e)
                    .containsEntry("outcome", "PLUGIN_ERROR")
                    .hasEntrySatisfying("error", m -> assertThat((String) m).endsWith("code: -1 (RESULT_ERROR): bad things")));
        }
    }

    @Test
    void refusedExecutionsAreAuditedToo() {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("echo"), LoadOptions.builder().maxExecutionsPerSecond(1).build());
            system.executePlugin(id, PluginInput.of("1"));
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("22"))).isInstanceOf(RateLimitedException.class);
            assertThat(events(id)).extracting(e -> e.get("outcome")).containsExactly("ok", "RATE_LIMITED");
            assertThat(events(id).get(1)).containsEntry("fuel", 0L).containsEntry("input_bytes", 2L);
        }
    }

    @Test
    void controlCharactersInAPluginsMessageCannotForgeAuditLines() {
        assertThat(io.llmtestbench.runtime.internal.AuditAccess.sanitize("bad\nplugin=x outcome=ok\r\u0007"))
                .isEqualTo("bad\\u000aplugin=x outcome=ok\\u000d\\u0007");
        assertThat(io.llmtestbench.runtime.internal.AuditAccess.sanitize("x".repeat(1000))).hasSize(301).endsWith("…");
    }
}
