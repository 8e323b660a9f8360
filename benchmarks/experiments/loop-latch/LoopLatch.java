import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;

/**
 * Which loop latch shapes C2 turns into counted loops (range-check elimination, unrolling), in the shape our
 * generator emits for wasm: a loop over a byte[] read through a little-endian VarHandle, stepping its counter by 2
 * (clang's loops unrolled by two) and testing it at the bottom. One JVM, the shapes alternated per round, thread
 * CPU time per step; run with -XX:+UnlockDiagnosticVMOptions -XX:-RangeCheckElimination to see which shapes had
 * their checks removed. See README.md.
 */
public class LoopLatch {
    static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** The wasm latch as it is: br_if (x != n), step 2. C2 counts a "!=" loop only with a step of +1 or -1. */
    static int ne(byte[] m, int p, int n) {
        int s = 0;
        int x = 0;
        do {
            s += (int) I32.get(m, p + (x << 2));
            s += (int) I32.get(m, p + (x << 2) + 4);
            x += 2;
        } while (x != n);
        return s;
    }

    /** "x < n", then "x != n", both back to the header: two back-edges into one loop. */
    static int twoBackEdges(byte[] m, int p, int n) {
        int s = 0;
        int x = 0;
        while (true) {
            s += (int) I32.get(m, p + (x << 2));
            s += (int) I32.get(m, p + (x << 2) + 4);
            x += 2;
            if (x < n) {
                continue;
            }
            if (x != n) {
                continue;
            }
            break;
        }
        return s;
    }

    /** What the generator emits: "x < n" back to the header, "x != n" to a re-entry before it (an outer loop). */
    static int reentry(byte[] m, int p, int n) {
        int s = 0;
        int x = 0;
        while (true) {
            do {
                s += (int) I32.get(m, p + (x << 2));
                s += (int) I32.get(m, p + (x << 2) + 4);
                x += 2;
            } while (x < n);
            if (x == n) {
                break;
            }
        }
        return s;
    }

    /** The reference: "x < n" only (not the same condition: it stops where "!=" would wrap around). */
    static int lt(byte[] m, int p, int n) {
        int s = 0;
        int x = 0;
        do {
            s += (int) I32.get(m, p + (x << 2));
            s += (int) I32.get(m, p + (x << 2) + 4);
            x += 2;
        } while (x < n);
        return s;
    }

    interface Shape {
        int run(byte[] m, int p, int n);
    }

    public static void main(String[] args) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        int n = 2000;
        int calls = 20_000;
        byte[] m = new byte[16 + 4 * n + 64];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) i;
        }
        String[] names = {"ne", "twoBackEdges", "reentry", "lt"};
        Shape[] shapes = {LoopLatch::ne, LoopLatch::twoBackEdges, LoopLatch::reentry, LoopLatch::lt};
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        double[][] ns = new double[shapes.length][rounds];
        int sink = 0;
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < shapes.length; k++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                for (int c = 0; c < calls; c++) {
                    sink += shapes[k].run(m, 16, n);
                }
                ns[k][r] = (cpu.getCurrentThreadCpuTime() - t0) / (double) calls / (n / 2);
            }
        }
        // The second half of the rounds (compiled by then): median ns per step of 2 elements.
        for (int k = 0; k < shapes.length; k++) {
            double[] tail = java.util.Arrays.copyOfRange(ns[k], rounds / 2, rounds);
            java.util.Arrays.sort(tail);
            System.out.printf("%-13s %.3f ns/step%n", names[k], tail[tail.length / 2]);
        }
        System.out.println("(checksum " + sink + ")");
    }
}
