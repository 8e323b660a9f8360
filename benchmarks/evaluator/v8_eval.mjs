// The evaluator plugin's plugin_execute on V8 (node), called as CallOverheadBench.guestExecuteOnly calls ours: the
// input written into the guest's memory once, then per call the output capacity stored and plugin_execute(input,
// output, length cell). Prints the output once, then ns per call (process CPU; node's other threads are idle) of
// each round.
//
//   node v8_eval.mjs PLUGIN.wasm INPUT-FILE [rounds] [calls per round]
import fs from 'fs';

const [wasmPath, inputPath, roundsArg, callsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 7), calls = Number(callsArg ?? 200000);
const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), { env: { host_log: () => 0 } });
const e = instance.exports;
function put(bytes) {
  const p = e.plugin_alloc(bytes.length);
  new Uint8Array(e.memory.buffer, p, bytes.length).set(bytes);
  return p;
}
const config = new TextEncoder().encode('{}');
if (e.plugin_init(put(config), config.length) !== 0) throw new Error('plugin_init failed');
const input = fs.readFileSync(inputPath);
const inPtr = put(input), capacity = 65536, outPtr = e.plugin_alloc(capacity), lenPtr = e.plugin_alloc(4);
function call() {
  new DataView(e.memory.buffer).setUint32(lenPtr, capacity, true);
  return e.plugin_execute(inPtr, input.length, outPtr, lenPtr);
}
const rc = call();
if (rc !== 0) throw new Error('plugin_execute returned ' + rc);
const len = new DataView(e.memory.buffer).getUint32(lenPtr, true);
console.log('output ' + new TextDecoder().decode(new Uint8Array(e.memory.buffer, outPtr, len)));
for (let r = 0; r < rounds; r++) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) call();
  const t = process.cpuUsage(t0);
  console.log('ns/call ' + ((t.user + t.system) * 1000 / calls).toFixed(1));
}
