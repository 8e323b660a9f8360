package io.llmtestbench.compiler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Sha256} gives the JDK's SHA-256 (FIPS 180-4) for every input and every way of feeding it. */
class Sha256Test {

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** This class's digest, whatever {@link Sha256#newDigest} would hand out. */
    private static byte[] own(byte[] b) {
        return new Sha256().digest(b);
    }

    private static byte[] jdk(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    @Test
    void fips180ExamplesAndTheEmptyMessage() {
        assertThat(hex(own(new byte[0])))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(hex(own("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(hex(own("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        byte[] million = new byte[1_000_000];
        java.util.Arrays.fill(million, (byte) 'a');
        assertThat(hex(own(million)))
                .isEqualTo("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }

    /** Every length across the padding's one- and two-block cases, fed whole, byte by byte and split at every point. */
    @Test
    void everyLengthUpTo300EveryWayOfFeedingIt() throws Exception {
        Random r = new Random(16);
        for (int n = 0; n <= 300; n++) {
            byte[] m = new byte[n];
            r.nextBytes(m);
            String expected = hex(jdk(m));
            assertThat(hex(own(m))).as("length %d", n).isEqualTo(expected);
            Sha256 bytewise = new Sha256();
            for (byte b : m) {
                bytewise.update(b);
            }
            assertThat(hex(bytewise.digest())).as("length %d byte by byte", n).isEqualTo(expected);
            Sha256 reused = new Sha256();
            for (int split = 0; split <= n; split++) {
                reused.update(m, 0, split);
                reused.update(m, split, n - split);
                assertThat(hex(reused.digest())).as("length %d split at %d (the digest resets it)", n, split).isEqualTo(expected);
            }
        }
    }

    @Test
    void largeInputsInRandomPiecesAndThroughMessageDigestsApi() throws Exception {
        Random r = new Random(4);
        for (int round = 0; round < 20; round++) {
            byte[] m = new byte[r.nextInt(600_000)];
            r.nextBytes(m);
            MessageDigest d = new Sha256();
            for (int o = 0; o < m.length; ) {
                int len = Math.min(m.length - o, r.nextInt(5000));
                d.update(m, o, len);
                o += len;
            }
            assertThat(hex(d.digest())).isEqualTo(hex(jdk(m)));
            assertThat(d.getAlgorithm()).isEqualTo("SHA-256");
            assertThat(d.getDigestLength()).isEqualTo(32);
        }
        MessageDigest d = new Sha256();
        d.update(new byte[] {1, 2, 3});
        d.reset();
        assertThat(hex(d.digest("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void countsTheBytesItIsGivenAndARangeOutsideTheArrayIsRefused() {
        long before = Sha256.bytesHashed();
        new Sha256().digest(new byte[1000]);
        new Sha256().update((byte) 1);
        assertThat(Sha256.bytesHashed() - before).isGreaterThanOrEqualTo(1001);
        assertThatThrownBy(() -> new Sha256().update(new byte[10], 8, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Sha256().update(new byte[10], -1, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A JVM that has hashed {@link Sha256#COLD_BYTES} through this class is warm: the JDK's digest (same results) from then on. */
    @Test
    void theJdksDigestOnceTheJvmHasHashedItsColdBytes() throws Exception {
        byte[] m = new byte[1 << 20];
        new Random(7).nextBytes(m);
        while (Sha256.bytesHashed() < Sha256.COLD_BYTES) {
            assertThat(Sha256.newDigest()).isInstanceOf(Sha256.class);
            assertThat(hex(Sha256.of(m))).isEqualTo(hex(jdk(m)));
        }
        assertThat(Sha256.newDigest()).isNotInstanceOf(Sha256.class);
        assertThat(Sha256.newDigest().getProvider()).isNotNull();
        assertThat(hex(Sha256.of(m))).isEqualTo(hex(jdk(m)));
    }
}
