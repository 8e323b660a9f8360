package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Per-plugin rate limits (a token bucket per loaded version): off by default, refusing excess calls when set. */
class RateLimitTest {

    @Test
    void withoutALimitEveryCallRuns() {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("echo"));
            for (int i = 0; i < 200; i++) {
                system.executePlugin(id, PluginInput.of("[" + i + "]"));
            }
        }
        assertThat(LoadOptions.defaults().maxExecutionsPerSecond()).isZero();
    }

    @Test
    void excessCallsAreRefusedWithATypedErrorNamingThePluginAndTheLimit() throws Exception {
        try (PluginSystem system = TestPlugins.system()) {
            // one per second: a burst of one, then one more each second
            PluginId id = system.loadPlugin(TestPlugins.wasm("echo"), LoadOptions.builder().maxExecutionsPerSecond(1).build());
            PluginId other = system.loadPlugin(TestPlugins.wasm("reload_v1"));
            long start = System.nanoTime();
            system.executePlugin(id, PluginInput.of("[0]"));
            RateLimitedException refused = catchRateLimited(() -> system.executePlugin(id, PluginInput.of("[1]")));
            assertThat(refused.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
            assertThat(refused.plugin()).isEqualTo("echo");
            assertThat(refused.limit()).isEqualTo(1.0);
            assertThat(refused.fuelUsed()).isZero();
            assertThat(refused).hasMessage("Plugin 'echo' rate limited: more than 1 executions per second (LoadOptions.maxExecutionsPerSecond)");
            // by name too, and async
            catchRateLimited(() -> system.executePlugin("echo", PluginInput.of("[]")));
            assertThatThrownBy(() -> system.executePluginAsync(id, PluginInput.of("[]")).join())
                    .hasCauseInstanceOf(RateLimitedException.class);
            assertThat(System.nanoTime() - start).as("the checks above ran within the second").isLessThan(900_000_000L);
            // other plugins are not affected
            for (int i = 0; i < 20; i++) {
                system.executePlugin(other, PluginInput.of("{}"));
            }
            // the bucket refills
            Thread.sleep(1100);
            assertThat(system.executePlugin(id, PluginInput.of("[42]")).data().get(0).asInt()).isEqualTo(42);
        }
    }

    @Test
    void aBurstOfCeilRateCallsPasses() {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("echo"), LoadOptions.builder().maxExecutionsPerSecond(3).build());
            system.executePlugin(id, PluginInput.of("[]")); // warm up: the refill over the next calls stays well under one token
            int ok = 0;
            for (int i = 0; i < 10; i++) {
                try {
                    system.executePlugin(id, PluginInput.of("[]"));
                    ok++;
                } catch (RateLimitedException e) {
                    break;
                }
            }
            assertThat(ok).isBetween(2, 3);
        }
    }

    private static RateLimitedException catchRateLimited(Runnable call) {
        try {
            call.run();
        } catch (RateLimitedException e) {
            return e;
        }
        throw new AssertionError("expected a RateLimitedException");
    }

    @Test
    void badRatesAreRefused() {
        assertThatThrownBy(() -> LoadOptions.builder().maxExecutionsPerSecond(-1).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadOptions.builder().maxExecutionsPerSecond(Double.NaN).build()).isInstanceOf(IllegalArgumentException.class);
        assertThat(new RateLimitedException("p", 2.5)).hasMessageContaining("more than 2.5 executions per second");
    }
}
