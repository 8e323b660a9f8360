package io.llmtestbench.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PluginStateTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void totalBytesAreCappedAndReplacementsAccountedFor() {
        var state = new PluginState(100);
        assertThat(state.put(b("k"), new byte[90])).isZero();
        assertThat(state.usedBytes()).isEqualTo(91);
        assertThat(state.put(b("j"), new byte[20])).isEqualTo(-4);
        assertThat(state.get(b("j"))).isNull();
        assertThat(state.put(b("k"), new byte[10])).isZero();
        assertThat(state.usedBytes()).isEqualTo(11);
        assertThat(state.put(b("j"), new byte[20])).isZero();
        assertThat(state.get(b("k"))).hasSize(10);
    }
}
