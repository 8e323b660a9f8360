package io.llmtestbench.compiler.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SHA-256 (FIPS 180-4) as a {@link MessageDigest} constructed directly, without the JDK's provider lookup, for the
 * digests a load computes ({@code WasmCompiler.sha256}, the class-reference verdict's key): in a fresh JVM the JDK's
 * {@code MessageDigest.getInstance("SHA-256")} first initialises the security framework (the provider list, {@code
 * sun.security.provider.Sun} and its service table, {@code KnownOIDs}, a {@code NativePRNG}: some 55 classes outside
 * the CDS archive), and its compression function reads the block through a {@code VarHandle}, which the bytecode
 * interpreter runs through method-handle adapters for every word; a pre-compiled jar's load hashes some 500 KB in the
 * interpreter (issue #16 point 4). This one reads the words with shifts and initialises nothing. Once warm, the
 * JDK's is the faster (HotSpot compiles it to the CPU's SHA instructions; ~7x on this machine), so {@link #newDigest}
 * hands out this one for the first {@link #COLD_BYTES} a JVM hashes and the JDK's after. Both give the same digests
 * (Sha256Test: FIPS 180-4's examples, the JDK's digest for every length up to 300 bytes fed every way, large random
 * inputs). Not for secrets: no attempt at constant time, which a digest of public files does not need.
 */
public final class Sha256 extends MessageDigest {
    private static final int[] K = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };

    /** Bytes a JVM hashes through this class before {@link #newDigest} hands out the JDK's SHA-256. */
    static final long COLD_BYTES = 4L << 20;

    /** Bytes given to every instance of this class in this JVM (start-up tests count what a load hashes). */
    private static final AtomicLong HASHED = new AtomicLong();

    private final int[] h = new int[8];
    private final int[] w = new int[64];
    /** The partial block. */
    private final byte[] buffer = new byte[64];
    private int buffered;
    private long length;

    public Sha256() {
        super("SHA-256");
        engineReset();
    }

    /** A SHA-256 digest: this class's while the JVM is cold (it has hashed less than {@link #COLD_BYTES}), else the JDK's. */
    public static MessageDigest newDigest() {
        if (HASHED.get() < COLD_BYTES) {
            return new Sha256();
        }
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            return new Sha256();
        }
    }

    /** The SHA-256 of {@code bytes}, through {@link #newDigest}. */
    public static byte[] of(byte[] bytes) {
        return newDigest().digest(bytes);
    }

    /** Bytes hashed through this class (not the JDK's) in this JVM so far. */
    public static long bytesHashed() {
        return HASHED.get();
    }

    @Override
    protected int engineGetDigestLength() {
        return 32;
    }

    @Override
    protected void engineUpdate(byte input) {
        HASHED.incrementAndGet();
        length++;
        buffer[buffered++] = input;
        if (buffered == 64) {
            compress(buffer, 0);
            buffered = 0;
        }
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        if (offset < 0 || len < 0 || offset > input.length - len) { // MessageDigest checks only the end (JDK 17)
            throw new IllegalArgumentException("offset " + offset + ", length " + len + " in " + input.length + " bytes");
        }
        HASHED.addAndGet(len);
        length += len;
        if (buffered > 0) {
            int n = Math.min(len, 64 - buffered);
            System.arraycopy(input, offset, buffer, buffered, n);
            buffered += n;
            offset += n;
            len -= n;
            if (buffered < 64) {
                return;
            }
            compress(buffer, 0);
            buffered = 0;
        }
        for (; len >= 64; offset += 64, len -= 64) {
            compress(input, offset);
        }
        System.arraycopy(input, offset, buffer, 0, len);
        buffered = len;
    }

    @Override
    protected byte[] engineDigest() {
        long bits = length << 3;
        buffer[buffered++] = (byte) 0x80;
        if (buffered > 56) {
            java.util.Arrays.fill(buffer, buffered, 64, (byte) 0);
            compress(buffer, 0);
            buffered = 0;
        }
        java.util.Arrays.fill(buffer, buffered, 56, (byte) 0);
        for (int i = 0; i < 8; i++) {
            buffer[63 - i] = (byte) (bits >>> (8 * i));
        }
        compress(buffer, 0);
        byte[] out = new byte[32];
        for (int i = 0; i < 8; i++) {
            out[4 * i] = (byte) (h[i] >>> 24);
            out[4 * i + 1] = (byte) (h[i] >>> 16);
            out[4 * i + 2] = (byte) (h[i] >>> 8);
            out[4 * i + 3] = (byte) h[i];
        }
        engineReset();
        return out;
    }

    @Override
    protected void engineReset() {
        h[0] = 0x6a09e667;
        h[1] = 0xbb67ae85;
        h[2] = 0x3c6ef372;
        h[3] = 0xa54ff53a;
        h[4] = 0x510e527f;
        h[5] = 0x9b05688c;
        h[6] = 0x1f83d9ab;
        h[7] = 0x5be0cd19;
        buffered = 0;
        length = 0;
    }

    /** One 64-byte block at {@code m[o..o+63]} into the state. */
    private void compress(byte[] m, int o) {
        int[] w = this.w;
        for (int i = 0; i < 16; i++, o += 4) {
            w[i] = (m[o] << 24) | ((m[o + 1] & 0xff) << 16) | ((m[o + 2] & 0xff) << 8) | (m[o + 3] & 0xff);
        }
        for (int i = 16; i < 64; i++) {
            int x = w[i - 15];
            int y = w[i - 2];
            int s0 = Integer.rotateRight(x, 7) ^ Integer.rotateRight(x, 18) ^ (x >>> 3);
            int s1 = Integer.rotateRight(y, 17) ^ Integer.rotateRight(y, 19) ^ (y >>> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        int a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
        for (int i = 0; i < 64; i++) {
            int t1 = k + (Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25))
                    + ((e & f) ^ (~e & g)) + K[i] + w[i];
            int t2 = (Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22))
                    + ((a & b) ^ (a & c) ^ (b & c));
            k = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += k;
    }
}
