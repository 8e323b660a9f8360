import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * What a per-iteration check does to C2's optimization of a numeric loop (Java 17): the inner loop clang emits for
 * matmul's {@code ci[j] += a * bk[j]} (unrolled by 2: two pointers stepping 16 bytes, a counter stepping 2), written
 * in Java over the generator's memory accessors (checkIndex + Unsafe), with the checks generated code puts in a
 * loop. Each variant prints ns per element; run with
 * {@code -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,LoopChecks::<variant>} to see the loop.
 *
 * <pre>
 *   javac -XDignore.symbol.file LoopChecks.java && java -XX:CompileCommand=dontinline,LoopChecks::refill LoopChecks
 * </pre>
 */
public class LoopChecks {
    static final sun.misc.Unsafe U;
    static final long BASE;

    static {
        try {
            var f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            U = (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new Error(e);
        }
        BASE = U.arrayBaseOffset(byte[].class);
    }

    static double f64(byte[] b, int i) {
        return U.getDouble(b, BASE + Objects.checkIndex(i, b.length - 7));
    }

    static void f64(byte[] b, int i, double v) {
        U.putDouble(b, BASE + Objects.checkIndex(i, b.length - 7), v);
    }

    static final class Budget {
        volatile boolean stop;
        boolean plainStop;
        long slices = Long.MAX_VALUE;
    }

    static final VarHandle STOP;

    static {
        try {
            STOP = MethodHandles.lookup().findVarHandle(Budget.class, "plainStop", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new Error(e);
        }
    }

    /** The meter's slow path: what generated code calls when a slice is used up. */
    static int refill(Budget b, int fuel) {
        if (b.stop || --b.slices < 0) {
            throw new IllegalStateException("stopped");
        }
        return fuel + 32767;
    }

    /** No check: a counted loop, unrolled, the range checks split off the main loop. */
    static void plain(byte[] m, int p, int q, int n, double a) {
        int i = 0;
        do {
            f64(m, p, a * f64(m, q) + f64(m, p));
            f64(m, p + 8, a * f64(m, q + 8) + f64(m, p + 8));
            p += 16;
            q += 16;
            i += 2;
        } while (i < n);
    }

    /** Unmetered code's deadline poll: the budget's volatile stop flag read every iteration. */
    static void volatileFlag(byte[] m, int p, int q, int n, double a, Budget b) {
        int i = 0;
        do {
            if (b.stop) {
                throw new IllegalStateException("stopped");
            }
            f64(m, p, a * f64(m, q) + f64(m, p));
            f64(m, p + 8, a * f64(m, q + 8) + f64(m, p + 8));
            p += 16;
            q += 16;
            i += 2;
        } while (i < n);
    }

    /** The same flag read with getOpaque (still cannot be hoisted out of the loop). */
    static void opaqueFlag(byte[] m, int p, int q, int n, double a, Budget b) {
        int i = 0;
        do {
            if ((boolean) STOP.getOpaque(b)) {
                throw new IllegalStateException("stopped");
            }
            f64(m, p, a * f64(m, q) + f64(m, p));
            f64(m, p + 8, a * f64(m, q + 8) + f64(m, p + 8));
            p += 16;
            q += 16;
            i += 2;
        } while (i < n);
    }

    /** Metered code's loop-header check: fuel in a local, the slice refill inline (taken every 32,767 fuel). */
    static int fuelInline(byte[] m, int p, int q, int n, double a, Budget b, int fuel) {
        int i = 0;
        do {
            fuel -= 20;
            if (fuel < 0) {
                if (b.stop || --b.slices < 0) {
                    throw new IllegalStateException("stopped");
                }
                fuel += 32767;
            }
            f64(m, p, a * f64(m, q) + f64(m, p));
            f64(m, p + 8, a * f64(m, q + 8) + f64(m, p + 8));
            p += 16;
            q += 16;
            i += 2;
        } while (i < n);
        return fuel;
    }

    /** The same with the slow path a call that is never inlined: a call in the loop body. */
    static int fuelCall(byte[] m, int p, int q, int n, double a, Budget b, int fuel) {
        int i = 0;
        do {
            fuel -= 20;
            if (fuel < 0) {
                fuel = refill(b, fuel);
            }
            f64(m, p, a * f64(m, q) + f64(m, p));
            f64(m, p + 8, a * f64(m, q + 8) + f64(m, p + 8));
            p += 16;
            q += 16;
            i += 2;
        } while (i < n);
        return fuel;
    }

    /** A fuel test whose failing path is never taken (an uncommon trap): no call, no volatile, only the test. */
    static int fuelTrap(byte[] m, int p, int q, int n, double a, Budget b, int fuel) {
        int i = 0;
        do {
            fuel -= 20;
            if (fuel < -2_000_000_000) {
                throw new IllegalStateException("out of fuel");
            }
            f64(m, p, a * f64(m, q) + f64(m, p));
            f64(m, p + 8, a * f64(m, q + 8) + f64(m, p + 8));
            p += 16;
            q += 16;
            i += 2;
        } while (i < n);
        return fuel;
    }

    /** The refill as a loop exit to code that re-enters the loop (an outer loop): the inner loop has no call. */
    static int fuelExit(byte[] m, int p, int q, int n, double a, Budget b, int fuel) {
        int i = 0;
        while (true) {
            fuel = fuel | 0; // a block of its own before the inner loop's header: the re-entry
            do {
                fuel -= 20;
                if (fuel < 0) {
                    fuel += 20;
                    break;
                }
                f64(m, p, a * f64(m, q) + f64(m, p));
                f64(m, p + 8, a * f64(m, q + 8) + f64(m, p + 8));
                p += 16;
                q += 16;
                i += 2;
            } while (i < n);
            if (i >= n) {
                return fuel;
            }
            fuel = refill(b, fuel - 20) + 20;
        }
    }

    /** Clang's latch as wasm has it: {@code i != n} with a step of 2. */
    static void plainNe(byte[] m, int p, int q, int n, double a) {
        int i = 0;
        do {
            f64(m, p, a * f64(m, q) + f64(m, p));
            f64(m, p + 8, a * f64(m, q + 8) + f64(m, p + 8));
            p += 16;
            q += 16;
            i += 2;
        } while (i != n);
    }

    /**
     * Chunked with a trip counter: the full check once per chunk of fuel/Kmax trips, the counter the latch and the
     * wasm's exit a second exit from the middle (as slow as plainExit: two exits).
     */
    static int fuelChunk(byte[] m, int p, int q, int n, double a, Budget b, int fuel) {
        int i = 0;
        while (true) {
            if (fuel < 0) {
                if (b.stop || --b.slices < 0) {
                    throw new IllegalStateException("stopped");
                }
                fuel += 32767;
            }
            int k = fuel / 20;
            do {
                fuel -= 20;
                f64(m, p, a * f64(m, q) + f64(m, p));
                f64(m, p + 8, a * f64(m, q + 8) + f64(m, p + 8));
                p += 16;
                q += 16;
                i += 2;
                if (i == n) {
                    return fuel;
                }
            } while (--k >= 0);
        }
    }

    /** No check, but two exits: the wasm's test in the body and a unit-stride counter as the latch. */
    static void plainExit(byte[] m, int p, int q, int n, double a, int k) {
        int i = 0;
        do {
            f64(m, p, a * f64(m, q) + f64(m, p));
            f64(m, p + 8, a * f64(m, q + 8) + f64(m, p + 8));
            p += 16;
            q += 16;
            i += 2;
            if (i == n) {
                return;
            }
        } while (--k >= 0);
    }

    /**
     * The generator's chunked loop (CountedLoops): the full check once per chunk, then an inner loop whose only exit
     * is {@code i < limit}, the limit computed from the loop's own variable (at most fuel/Kmax trips, never past n);
     * the wasm's condition is tested only when the inner loop ends. As fast as no check at all.
     */
    static int fuelChunkTrip(byte[] m, int p, int q, int n, double a, Budget b, int fuel) {
        int i = 0;
        while (true) {
            if (fuel < 0) {
                if (b.stop || --b.slices < 0) {
                    throw new IllegalStateException("stopped");
                }
                fuel += 32767;
            }
            int k = fuel / 20 + 1;
            int lim = (n - i) / 2 < k ? n : i + 2 * k;
            do {
                fuel -= 20;
                f64(m, p, a * f64(m, q) + f64(m, p));
                f64(m, p + 8, a * f64(m, q + 8) + f64(m, p + 8));
                p += 16;
                q += 16;
                i += 2;
            } while (i < lim);
            if (i == n) {
                return fuel;
            }
        }
    }

    interface Run {
        int run(int fuel);
    }

    public static void main(String[] args) {
        byte[] m = new byte[1 << 20];
        Budget b = new Budget();
        int n = 192;
        int p = 1024;
        int q = 1024 + 200_000;
        double a = 1.0001;
        String[] names = {"plain", "volatileFlag", "opaqueFlag", "fuelInline", "fuelCall", "fuelTrap", "fuelExit", "plainNe", "fuelChunk", "plainExit", "fuelChunkTrip"};
        Run[] runs = {
            f -> { plain(m, p, q, n, a); return f; },
            f -> { volatileFlag(m, p, q, n, a, b); return f; },
            f -> { opaqueFlag(m, p, q, n, a, b); return f; },
            f -> fuelInline(m, p, q, n, a, b, f),
            f -> fuelCall(m, p, q, n, a, b, f),
            f -> fuelTrap(m, p, q, n, a, b, f),
            f -> fuelExit(m, p, q, n, a, b, f),
            f -> { plainNe(m, p, q, n, a); return f; },
            f -> fuelChunk(m, p, q, n, a, b, f),
            f -> { plainExit(m, p, q, n, a, 100000); return f; },
            f -> fuelChunkTrip(m, p, q, n, a, b, f),
        };
        double[] best = new double[runs.length];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        int fuel = 0;
        for (int round = 0; round < 10; round++) {
            for (int v = 0; v < runs.length; v++) {
                long t0 = System.nanoTime();
                for (int r = 0; r < 20_000; r++) {
                    fuel = runs[v].run(fuel);
                }
                best[v] = Math.min(best[v], (System.nanoTime() - t0) / (20_000.0 * n));
            }
        }
        for (int v = 0; v < runs.length; v++) {
            System.out.printf("%-13s %.3f ns/element (best of 10 rounds)%n", names[v], best[v]);
        }
    }
}
