public class GC {
    static volatile boolean hold = true; static int d;
    static void deeper(int n) { if (n == 0) { while (hold) { try { Thread.sleep(10); } catch (InterruptedException e) {} } return; } deeper(n - 1); }
    static long churn() { long t0 = System.nanoTime(); byte[][] keep = new byte[8][]; for (int i = 0; i < 200; i++) keep[i % 8] = new byte[16 << 20]; return (System.nanoTime() - t0) / 1_000_000; }
    public static void main(String[] a) throws Exception {
        churn(); System.out.println("churn, shallow: " + churn() + " ms");
        Thread t = new Thread(null, () -> deeper(Integer.parseInt(a[0])), "deep", 512L << 20); t.setDaemon(true); t.start();
        Thread.sleep(Integer.parseInt(a[1]));
        System.out.println("churn, one deep thread: " + churn() + " ms");
        hold = false;
    }
}
