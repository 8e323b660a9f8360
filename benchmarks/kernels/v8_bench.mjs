// V8 (node) as an outside reference for the benchmark kernels: the same committed .wasm modules the JVM
// engines run, compiled by V8's wasm tiers (Liftoff, then TurboFan). For each kernel:n argument it
// instantiates the module, calls init(n), checks run(n)'s checksum against expected.txt, runs warm-up for
// --warmup-ms, then --iters measurement iterations of at least --iter-ms each, and prints one JSON object per
// kernel in native_bench's format: ns/op per iteration by wall clock and by process CPU time
// (process.cpuUsage: user + system, all threads, so V8's background compiler threads are counted, as the
// JVM engines' CpuTimeProfiler counts the JIT's).
//
//   node v8_bench.mjs --dir DIR [--warmup-ms W] [--iter-ms T] [--iters K] kernel:n ...
//   DIR holds <kernel>.wasm and expected.txt (benchmarks/src/main/resources/kernels).
import { readFileSync } from "node:fs";
import { join } from "node:path";

const args = process.argv.slice(2);
let dir = null, warmupMs = 500, iterMs = 500, iters = 5;
const kernels = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--dir") dir = args[++i];
  else if (a === "--warmup-ms") warmupMs = Number(args[++i]);
  else if (a === "--iter-ms") iterMs = Number(args[++i]);
  else if (a === "--iters") iters = Number(args[++i]);
  else if (a.includes(":")) kernels.push(a);
  else { console.error(`unknown argument ${a}`); process.exit(2); }
}
if (!dir || kernels.length === 0) {
  console.error("usage: node v8_bench.mjs --dir DIR [--warmup-ms W] [--iter-ms T] [--iters K] kernel:n ...");
  process.exit(2);
}

const expected = new Map();
for (const line of readFileSync(join(dir, "expected.txt"), "utf8").split("\n")) {
  const f = line.trim().split(/\s+/);
  if (f.length === 3) expected.set(`${f[0]} ${f[1]}`, BigInt.asUintN(64, BigInt(f[2])));
}

const nowNs = () => process.hrtime.bigint();
const cpuUs = () => { const u = process.cpuUsage(); return u.user + u.system; };
const hex = (v) => "0x" + v.toString(16).padStart(16, "0");

const out = [];
let failed = false;
for (const spec of kernels) {
  const [name, nText] = spec.split(":");
  const n = Number(nText);
  const module = new WebAssembly.Module(readFileSync(join(dir, `${name}.wasm`)));
  const { exports } = new WebAssembly.Instance(module, {});
  exports.init(n);
  const checksum = BigInt.asUintN(64, exports.run(n));
  const want = expected.get(`${name} ${n}`);
  if (want === undefined || checksum !== want) {
    console.error(`${name}: checksum ${hex(checksum)}, native gives ${want === undefined ? `nothing at n=${n}` : hex(want)}`);
    failed = true;
    continue;
  }
  let sink = 0n;
  const warmEnd = nowNs() + BigInt(warmupMs) * 1000000n;
  while (nowNs() < warmEnd) sink ^= exports.run(n);
  const wall = [], cpu = [];
  for (let it = 0; it < iters; it++) {
    const t0 = nowNs(), c0 = cpuUs(), stop = t0 + BigInt(iterMs) * 1000000n;
    let ops = 0, t1;
    do {
      sink ^= exports.run(n);
      ops++;
      t1 = nowNs();
    } while (t1 < stop);
    cpu.push(((cpuUs() - c0) * 1000) / ops);
    wall.push(Number(t1 - t0) / ops);
  }
  const mean = wall.reduce((a, b) => a + b, 0) / wall.length;
  const sd = wall.length > 1 ? Math.sqrt(wall.reduce((a, b) => a + (b - mean) ** 2, 0) / (wall.length - 1)) : 0;
  out.push({ kernel: name, n, checksum: hex(checksum), ns_per_op: +mean.toFixed(1), stdev: +sd.toFixed(1),
             iterations: wall.map((x) => +x.toFixed(1)), cpu_iterations: cpu.map((x) => +x.toFixed(1)),
             engine: `node ${process.version} (V8 ${process.versions.v8})`, sink: Number(sink & 1n) });
}
console.log(JSON.stringify(out, null, 1));
process.exit(failed ? 1 : 0);
