import io.llmtestbench.compiler.*;
import io.llmtestbench.runtime.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

public class MutFuzz {
    public static void main(String[] a) throws Exception {
        long seed = Long.parseLong(a[0]);
        long minutes = Long.parseLong(a[1]);
        Path out = Paths.get(a[2]);
        Files.createDirectories(out);
        List<byte[]> seeds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 3; i < a.length; i++) {
            try (var s = Files.walk(Paths.get(a[i]))) {
                for (Path p : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".wasm"))::iterator) {
                    byte[] b = Files.readAllBytes(p);
                    if (b.length < 400_000) { seeds.add(b); names.add(p.getFileName().toString()); }
                }
            }
        }
        System.out.println("seeds " + seeds.size());
        Random r = new Random(seed);
        long end = System.nanoTime() + minutes * 60_000_000_000L;
        ExecutorService ex = Executors.newSingleThreadExecutor(t -> { Thread th = new Thread(null, t, "c", 512 << 10); th.setDaemon(true); return th; });
        Map<String, Integer> kinds = new TreeMap<>();
        int n = 0, bugs = 0, compiled = 0, ran = 0;
        PluginSystem sys = PluginSystem.builder().build();
        while (System.nanoTime() < end) {
            n++;
            int k = r.nextInt(seeds.size());
            byte[] m = mutate(seeds.get(k), r);
            String tag = names.get(k) + "#" + n;
            Future<String> f = ex.submit(() -> {
                try {
                    WasmCompiler.compile(m, CompilerOptions.defaults());
                    return "ok";
                } catch (CompilationException e) {
                    if (e.kind() == CompilationException.Kind.INTERNAL) {
                        return "BUG-INTERNAL:" + e.getMessage();
                    }
                    return "CE:" + e.getClass().getSimpleName() + ":" + String.valueOf(e.getMessage()).replaceAll("[0-9]+", "N").substring(0, Math.min(50, String.valueOf(e.getMessage()).replaceAll("[0-9]+", "N").length()));
                } catch (Throwable t) {
                    return "BUG:" + t;
                }
            });
            String res;
            try {
                res = f.get(30, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                res = "BUG:timeout";
                f.cancel(true);
                ex.shutdownNow();
                ex = Executors.newSingleThreadExecutor(t -> { Thread th = new Thread(null, t, "c", 512 << 10); th.setDaemon(true); return th; });
            }
            String key = res.startsWith("CE:") ? res.substring(0, Math.min(res.length(), 60)) : res.startsWith("BUG") ? res.substring(0, Math.min(120, res.length())) : res;
            if (res.startsWith("BUG")) {
                bugs++;
                Files.write(out.resolve("bug-" + n + ".wasm"), m);
                System.out.println(tag + " " + res);
            }
            if (res.equals("ok")) {
                compiled++;
                Path p = out.resolve("cur.wasm");
                Files.write(p, m);
                String rr;
                try {
                    PluginId id = sys.loadPlugin(p, LoadOptions.builder().build());
                    try {
                        sys.executePlugin(id, PluginInput.of("{\"text\":\"hello world\",\"scores\":{\"similarity\":0.4}}"));
                        rr = "run-ok";
                    } catch (PluginException e) {
                        rr = "run-PE:" + e.kind();
                    }
                    try { sys.unloadPlugin(id); } catch (Throwable t) { }
                } catch (PluginException e) {
                    rr = "load-PE:" + e.kind();
                } catch (Throwable t) {
                    rr = "BUG-run:" + t;
                    bugs++;
                    Files.write(out.resolve("bugrun-" + n + ".wasm"), m);
                    System.out.println(tag + " " + rr);
                    t.printStackTrace(System.out);
                }
                kinds.merge(rr, 1, Integer::sum);
                ran++;
            }
            kinds.merge(key, 1, Integer::sum);
            if (n % 500 == 0) System.out.println("n=" + n + " compiled=" + compiled + " bugs=" + bugs);
        }
        System.out.println("total " + n + " compiled " + compiled + " bugs " + bugs);
        kinds.forEach((kk, v) -> System.out.println(v + "\t" + kk));
        System.exit(0);
    }

    static byte[] mutate(byte[] s, Random r) {
        byte[] b = s.clone();
        int muts = 1 + r.nextInt(4);
        for (int i = 0; i < muts; i++) {
            int op = r.nextInt(8);
            int pos = b.length <= 8 ? 8 : 8 + r.nextInt(b.length - 8);
            if (pos >= b.length) continue;
            switch (op) {
                case 0 -> b[pos] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[pos] = (byte) new int[] {0, 0xff, 0x80, 0x7f, 0x01, 0x40, 0x41, 0x0b, 0x7c}[r.nextInt(9)];
                case 2 -> b[pos] = (byte) r.nextInt(256);
                case 3 -> b = Arrays.copyOf(b, pos);
                case 4 -> { int len = 1 + r.nextInt(Math.min(16, b.length - pos)); byte[] c = new byte[b.length - len]; System.arraycopy(b, 0, c, 0, pos); System.arraycopy(b, pos + len, c, pos, b.length - pos - len); b = c; }
                case 5 -> { int len = 1 + r.nextInt(8); byte[] c = new byte[b.length + len]; System.arraycopy(b, 0, c, 0, pos); for (int j = 0; j < len; j++) c[pos + j] = (byte) r.nextInt(256); System.arraycopy(b, pos, c, pos + len, b.length - pos); b = c; }
                case 6 -> { // LEB blowup: replace a byte with a long LEB continuation
                    b[pos] = (byte) (0x80 | r.nextInt(128)); }
                default -> { int p2 = 8 + r.nextInt(b.length - 8); int len = Math.min(1 + r.nextInt(32), Math.min(b.length - pos, b.length - p2)); System.arraycopy(b, p2, b, pos, len); }
            }
        }
        return b;
    }
}
