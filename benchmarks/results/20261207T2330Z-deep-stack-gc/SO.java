public class SO {
    static class InInit { static int d; static { try { deeper(); } catch (StackOverflowError e) { System.out.println("clinit depth " + d); } } static void deeper() { d++; deeper(); } }
    static int d2; static void deeper2() { d2++; deeper2(); }
    public static void main(String[] a) throws Exception {
        Thread t = new Thread(null, () -> { long t0 = System.nanoTime(); try { deeper2(); } catch (StackOverflowError e) {} System.out.println("plain depth " + d2 + " " + (System.nanoTime()-t0)/1e6 + " ms"); }, "x", 512L<<20);
        t.start(); t.join();
        Thread u = new Thread(null, () -> { long t0 = System.nanoTime(); new InInit(); System.out.println("clinit " + (System.nanoTime()-t0)/1e6 + " ms"); }, "y", 512L<<20);
        u.start(); u.join();
    }
}
