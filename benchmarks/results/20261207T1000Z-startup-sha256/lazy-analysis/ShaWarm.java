public class ShaWarm {
  public static void main(String[] a) throws Exception {
    byte[] m = new byte[480_000]; new java.util.Random(1).nextBytes(m);
    for (int round = 0; round < 3; round++) for (String v : new String[]{"jdk","own"}) {
      long t0 = System.nanoTime(); int n = 0;
      while (System.nanoTime() - t0 < 2_000_000_000L) { if (v.equals("jdk")) java.security.MessageDigest.getInstance("SHA-256").digest(m); else io.llmtestbench.compiler.internal.Sha256.of(m); n++; }
      System.out.printf("%s %.2f ms per 480 KB%n", v, (System.nanoTime()-t0)/1e6/n);
    }
  }
}
