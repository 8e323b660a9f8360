import java.nio.file.*;
public class ShaExp {
  static final int[] K = {0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2};
  static byte[] sha(byte[] m) {
    int[] h = {0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19};
    int[] w = new int[64];
    long bits = (long) m.length * 8; int full = m.length / 64;
    for (int b = 0; b < full; b++) block(m, b * 64, w, h);
    byte[] t = new byte[(m.length % 64) < 56 ? 64 : 128];
    System.arraycopy(m, full * 64, t, 0, m.length % 64); t[m.length % 64] = (byte) 0x80;
    for (int i = 0; i < 8; i++) t[t.length - 1 - i] = (byte) (bits >>> (8 * i));
    for (int o = 0; o < t.length; o += 64) block(t, o, w, h);
    byte[] r = new byte[32]; for (int i = 0; i < 8; i++) { r[4*i]=(byte)(h[i]>>>24); r[4*i+1]=(byte)(h[i]>>>16); r[4*i+2]=(byte)(h[i]>>>8); r[4*i+3]=(byte)h[i]; }
    return r;
  }
  static void block(byte[] m, int o, int[] w, int[] h) {
    for (int i = 0; i < 16; i++, o += 4) w[i] = (m[o] << 24) | ((m[o+1] & 0xff) << 16) | ((m[o+2] & 0xff) << 8) | (m[o+3] & 0xff);
    for (int i = 16; i < 64; i++) { int x = w[i-15], y = w[i-2];
      w[i] = w[i-16] + (Integer.rotateRight(x,7) ^ Integer.rotateRight(x,18) ^ (x >>> 3)) + w[i-7] + (Integer.rotateRight(y,17) ^ Integer.rotateRight(y,19) ^ (y >>> 10)); }
    int a=h[0],b=h[1],c=h[2],d=h[3],e=h[4],f=h[5],g=h[6],k=h[7];
    for (int i = 0; i < 64; i++) {
      int t1 = k + (Integer.rotateRight(e,6) ^ Integer.rotateRight(e,11) ^ Integer.rotateRight(e,25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
      int t2 = (Integer.rotateRight(a,2) ^ Integer.rotateRight(a,13) ^ Integer.rotateRight(a,22)) + ((a & b) ^ (a & c) ^ (b & c));
      k=g; g=f; f=e; e=d+t1; d=c; c=b; b=a; a=t1+t2; }
    h[0]+=a;h[1]+=b;h[2]+=c;h[3]+=d;h[4]+=e;h[5]+=f;h[6]+=g;h[7]+=k;
  }
  public static void main(String[] a) throws Exception {
    byte[] m1 = Files.readAllBytes(Path.of(a[1])), m2 = Files.readAllBytes(Path.of(a[2]));
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long c0 = mx.getCurrentThreadCpuTime(); String r;
    if (a[0].equals("jdk")) { r = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(m1)) + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(m2)); }
    else { r = java.util.HexFormat.of().formatHex(sha(m1)) + java.util.HexFormat.of().formatHex(sha(m2)); }
    long c1 = mx.getCurrentThreadCpuTime();
    System.out.printf("%s %.1f ms %s%n", a[0], (c1-c0)/1e6, r.substring(0,12));
  }
}
