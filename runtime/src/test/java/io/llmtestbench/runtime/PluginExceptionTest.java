package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.runtime.internal.Failures;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The failure hierarchy: closed, one class per kind, created only by the runtime, messages built from a
 * detail rather than edited, and every timeout a {@link PluginTimeoutException}.
 */
class PluginExceptionTest {

    @Test
    void theHierarchyIsClosedAndEveryKindHasExactlyOneClass() {
        assertThat(PluginException.class.isSealed()).isTrue();
        assertThat(PluginException.class.getPermittedSubclasses())
                .containsExactlyInAnyOrder(PluginLoadException.class, PluginExecutionException.class);
        assertThat(PluginExecutionException.class.getPermittedSubclasses()).containsExactlyInAnyOrder(
                PluginTimeoutException.class, FuelExhaustedException.class, RateLimitedException.class, PluginCancelledException.class);
        List<Class<?>> concrete = new ArrayList<>(List.of(PluginException.class, PluginLoadException.class, PluginExecutionException.class));
        concrete.addAll(List.of(PluginExecutionException.class.getPermittedSubclasses()));
        for (ErrorKind kind : ErrorKind.values()) {
            assertThat(concrete).as(kind + "'s class is in the hierarchy").contains(kind.exceptionType());
        }
        for (Class<?> c : concrete) {
            if (c != PluginException.class && c != PluginExecutionException.class) {
                assertThat(Modifier.isFinal(c.getModifiers())).as(c + " is final").isTrue();
            }
            for (Constructor<?> ctor : c.getDeclaredConstructors()) {
                int m = ctor.getModifiers();
                assertThat(Modifier.isPublic(m) || Modifier.isProtected(m)).as(ctor + " is package-private").isFalse();
            }
        }
    }

    @Test
    void aKindCannotBeRaisedByAnotherClass() {
        assertThatThrownBy(() -> new PluginExecutionException(ErrorKind.TIMEOUT, "p", "timeout after 1ms", 0, 0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TIMEOUT is reported by PluginTimeoutException");
        assertThatThrownBy(() -> new PluginException(ErrorKind.INVALID_PLUGIN, "p", "x", null))
                .isInstanceOf(IllegalArgumentException.class);
        // the internal factory picks the class from the kind: no timeout can be a plain execution failure
        assertThat(Failures.execution(ErrorKind.TIMEOUT, "p", "gave up", -3, 5, null))
                .isExactlyInstanceOf(PluginTimeoutException.class).satisfies(e -> {
                    assertThat(e.resultCode()).isEqualTo(-3);
                    assertThat(e.fuelUsed()).isEqualTo(5);
                });
        for (ErrorKind kind : ErrorKind.values()) {
            if (PluginExecutionException.class.isAssignableFrom(kind.exceptionType())
                    && (kind.exceptionType() == PluginExecutionException.class || kind == ErrorKind.TIMEOUT || kind == ErrorKind.CANCELLED)) {
                assertThat(Failures.execution(kind, "p", "d", 0, null)).isExactlyInstanceOf(kind.exceptionType());
            } else {
                assertThatThrownBy(() -> Failures.execution(kind, "p", "d", 0, null)).as(kind.name())
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void messagesAreTheDetailWithTheStandardPrefix() {
        PluginLoadException load = Failures.load(PluginLoadException.Stage.UNLINKABLE, "x.wasm", "missing export `memory`", null);
        assertThat(load).hasMessage("Failed to load WASM module: x.wasm: missing export `memory`");
        assertThat(load.detail()).isEqualTo("missing export `memory`");
        assertThat(load.kind()).isEqualTo(ErrorKind.INVALID_PLUGIN);
        PluginLoadException found = Failures.at("/plugins/x.wasm", load);
        assertThat(found).hasMessage("Failed to load WASM module: x.wasm: /plugins/x.wasm: missing export `memory`")
                .hasCause(load);
        assertThat(found.stage()).isEqualTo(PluginLoadException.Stage.UNLINKABLE);
        assertThat(Failures.at("/plugins/x.wasm", found)).isSameAs(found);

        String raiseFuel = "raise it with ResourceLimits.maxInstructions, llmtb --max-instructions or a pipeline's limits.max_instructions";
        assertThat(Failures.fuelExhausted("p", 100, 103, "plugin_execute"))
                .hasMessage("Plugin 'p' exhausted its instruction budget of 100 in plugin_execute (FuelExhausted); " + raiseFuel)
                .satisfies(e -> assertThat(e.detail())
                        .isEqualTo("exhausted its instruction budget of 100 in plugin_execute (FuelExhausted); " + raiseFuel));
        assertThat(Failures.fuelExhausted("p", 100, 103)).hasMessage("Plugin 'p' exhausted its instruction budget of 100 (FuelExhausted); " + raiseFuel);
        // the original guide's "Plugin timeout after 30000ms" comes first
        String raiseTimeout = "raise it with ResourceLimits.maxExecutionTimeMs, llmtb --timeout-ms or a pipeline's limits.timeout_ms";
        assertThat(Failures.timeout("p", 30_000, null, 0, null)).hasMessage("Plugin 'p' timeout after 30000ms; " + raiseTimeout);
        assertThat(Failures.timeout("p", 30_000, "plugin_init", "waiting in host_http_request", 0, null))
                .hasMessage("Plugin 'p' timeout after 30000ms in plugin_init (waiting in host_http_request); " + raiseTimeout);
        assertThat(Failures.notLoaded("p@1.0.0#3", "no plugin loaded with id p@1.0.0#3")).hasMessage("no plugin loaded with id p@1.0.0#3")
                .satisfies(e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_LOADED));
    }

    @Test
    void waitingForAnInstancePastTheDeadlineIsATimeout() throws Exception {
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).maxInstances(1).build()) {
            PluginId echo = system.loadPlugin(TestPlugins.wasm("echo"), LoadOptions.builder()
                    .limits(ResourceLimits.builder().maxExecutionTimeMs(300).build()).build());
            PluginId spin = system.loadPlugin(TestPlugins.wasm("loop_forever"), LoadOptions.builder()
                    .limits(ResourceLimits.builder().maxExecutionTimeMs(5_000).maxInstructions(Long.MAX_VALUE).build()).build());
            CompletableFuture<PluginOutput> busy = system.executePluginAsync(spin, PluginInput.of("{}"));
            while (system.inFlight(spin) == 0) {
                Thread.sleep(5);
            }
            Thread.sleep(50); // the spinning execution holds the only instance
            assertThatThrownBy(() -> system.executePlugin(echo, PluginInput.of("{}")))
                    .isExactlyInstanceOf(PluginTimeoutException.class)
                    .hasMessageStartingWith("Plugin 'echo' timeout after 300ms (waiting for an instance: all maxInstances are busy); raise it with");
            assertThatThrownBy(() -> busy.get(30, TimeUnit.SECONDS)).hasCauseExactlyInstanceOf(PluginTimeoutException.class);
        }
    }
}
