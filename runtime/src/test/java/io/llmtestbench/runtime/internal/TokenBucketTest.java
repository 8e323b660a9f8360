package io.llmtestbench.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private int drain(TokenBucket b) {
        int n = 0;
        while (b.tryAcquire()) {
            n++;
        }
        return n;
    }

    @Test
    void burstOfCeilRateThenRefillAtRate() {
        TokenBucket b = new TokenBucket(5, now::get);
        assertThat(drain(b)).isEqualTo(5);
        now.addAndGet(199_000_000L); // 0.199 s: 0.995 tokens
        assertThat(b.tryAcquire()).isFalse();
        now.addAndGet(1_000_000L); // 0.2 s in all: one token
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).isFalse();
        now.addAndGet(60_000_000_000L); // a minute idle refills only up to the burst
        assertThat(drain(b)).isEqualTo(5);
    }

    @Test
    void fractionalRates() {
        TokenBucket b = new TokenBucket(0.5, now::get);
        assertThat(drain(b)).isEqualTo(1);
        now.addAndGet(1_999_000_000L);
        assertThat(b.tryAcquire()).isFalse();
        now.addAndGet(1_000_000L);
        assertThat(b.tryAcquire()).isTrue();
        assertThat(drain(new TokenBucket(2.5, now::get))).isEqualTo(3);
        assertThatThrownBy(() -> new TokenBucket(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
