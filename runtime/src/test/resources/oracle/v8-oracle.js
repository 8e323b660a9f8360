// The V8 side of the independent oracle (io.llmtestbench.runtime.spec.V8Oracle): one long-lived Node.js
// process per test run, one JSON request per line on stdin, one JSON response per line on stdout.
//
// Values cross the boundary as the unsigned decimal of their bits ("i32"/"f32": 32 bits, "i64"/"f64": 64 bits),
// references as "null", "func" or "extern:<id>". Calls go through a small wasm "invoker" per signature that takes
// every argument as integer bits, reinterprets them, calls the export wasm-to-wasm and stores every result's bits
// in its own memory, so that no float crosses into JavaScript (where a NaN's payload is not guaranteed to survive).
// For the same reason the "fuzzing-support" log imports of binaryen's generated modules are wasm functions that
// hand the bits to JavaScript as integers.
//
// Requests (op ...): ping; validate {wasm}; instantiate {id, wasm, links: {importModule: instanceId | "spectest[:scope]" |
// "fuzzing-support"}}; invoke {id, export, params, results, args}; state {id, memories: [exportName],
// globals: [{getter, type}]}; dump {id, memory, offset, length}; forget {ids, spectests: [scope]}; reset.
// Responses: {ok: true, ...} or {ok: false, phase, message}. A trap is {ok: true, trap: message, error: class}.
'use strict';

const crypto = require('crypto');
const readline = require('readline');

// ---- binary encoding ----------------------------------------------------------------------------------------
// i32.const takes a signed LEB128: an unsigned encoding of 64..127 would read as a negative number
function sleb(n) {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
function vec(items) {
  const out = uleb(items.length);
  for (const it of items) out.push(...it);
  return out;
}
function section(id, bytes) {
  return [id, ...uleb(bytes.length), ...bytes];
}
function name(s) {
  const b = Buffer.from(s, 'utf8');
  return [...uleb(b.length), ...b];
}
const VALTYPE = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, funcref: 0x70, externref: 0x6f, anyfunc: 0x70 };
function valtype(t) {
  const v = VALTYPE[t];
  if (v === undefined) throw new Error('unsupported value type ' + t);
  return v;
}
function normType(t) {
  return t === 'anyfunc' ? 'funcref' : t;
}
const MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

// ---- invokers -----------------------------------------------------------------------------------------------
// (import "t" "f" (func params results)) (memory (export "m") 1) (table (export "tf") n funcref)
// (table (export "te") n externref) (func (export "call") (param <ints and refs>) ...): stores result i at 8*i
// (numbers, as integer bits) or in slot i of the table of its type (references).
const invokers = new Map();
function invoker(params, results) {
  const key = params.join(',') + '->' + results.join(',');
  let mod = invokers.get(key);
  if (mod) return mod;
  const asInt = (t) => (t === 'f32' ? 'i32' : t === 'f64' ? 'i64' : t);
  const types = vec([
    [0x60, ...vec(params.map((t) => [valtype(t)])), ...vec(results.map((t) => [valtype(t)]))],
    [0x60, ...vec(params.map((t) => [valtype(asInt(t))])), 0x00],
  ]);
  const imports = vec([[...name('t'), ...name('f'), 0x00, 0x00]]);
  const funcs = vec([[0x01]]);
  const n = Math.max(1, results.length);
  const tables = vec([[0x70, 0x00, ...uleb(n)], [0x6f, 0x00, ...uleb(n)]]);
  const memories = vec([[0x00, 0x01]]);
  const exports = vec([
    [...name('call'), 0x00, 0x01],
    [...name('m'), 0x02, 0x00],
    [...name('tf'), 0x01, 0x00],
    [...name('te'), 0x01, 0x01],
  ]);
  const body = [];
  // locals: one per result, in order
  const groups = results.map((t) => [0x01, valtype(t)]);
  body.push(...vec(groups));
  params.forEach((t, i) => {
    body.push(0x20, ...uleb(i));
    if (t === 'f32') body.push(0xbe);
    if (t === 'f64') body.push(0xbf);
  });
  body.push(0x10, 0x00); // call $t.f
  const base = params.length;
  for (let i = results.length - 1; i >= 0; i--) body.push(0x21, ...uleb(base + i));
  results.forEach((t, i) => {
    if (t === 'funcref' || t === 'externref') {
      body.push(0x41, ...sleb(i), 0x20, ...uleb(base + i), 0x26, t === 'funcref' ? 0x00 : 0x01);
      return;
    }
    body.push(0x41, ...sleb(8 * i), 0x20, ...uleb(base + i));
    if (t === 'f32') body.push(0xbc);
    if (t === 'f64') body.push(0xbd);
    if (t === 'i32' || t === 'f32') body.push(0x36, 0x02, 0x00);
    else body.push(0x37, 0x03, 0x00);
  });
  body.push(0x0b);
  const code = vec([[...uleb(body.length), ...body]]);
  const bytes = [...MAGIC, ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(4, tables),
    ...section(5, memories), ...section(7, exports), ...section(10, code)];
  mod = new WebAssembly.Module(new Uint8Array(bytes));
  invokers.set(key, mod);
  return mod;
}

// ---- host modules -------------------------------------------------------------------------------------------
const externs = new Map(); // extern id -> object
function externOf(id) {
  let o = externs.get(id);
  if (!o) {
    o = { externId: id };
    externs.set(id, o);
  }
  return o;
}
function spectest() {
  // the reference interpreter's spectest module; one memory/table per instantiation like ours per script
  const print = () => {};
  return {
    print, print_i32: print, print_i64: print, print_f32: print, print_f64: print, print_i32_f32: print,
    print_f64_f64: print,
    global_i32: new WebAssembly.Global({ value: 'i32' }, 666),
    global_i64: new WebAssembly.Global({ value: 'i64' }, 666n),
    global_f32: new WebAssembly.Global({ value: 'f32' }, 666.6),
    global_f64: new WebAssembly.Global({ value: 'f64' }, 666.6),
    table: new WebAssembly.Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
    memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
    shared_memory: new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }),
  };
}
const spectests = new Map(); // scope -> spectest object: one per script, like the reference interpreter

// log-i32/log-i64/log-f32/log-f64 as wasm functions passing bits to JavaScript as integers
let log = [];
let loggerExports = null;
function logger() {
  if (loggerExports) return loggerExports;
  const types = vec([[0x60, 0x01, 0x7f, 0x00], [0x60, 0x01, 0x7e, 0x00], [0x60, 0x01, 0x7d, 0x00], [0x60, 0x01, 0x7c, 0x00]]);
  const imports = vec([
    [...name('js'), ...name('i32'), 0x00, 0x00], [...name('js'), ...name('i64'), 0x00, 0x01],
    [...name('js'), ...name('f32'), 0x00, 0x00], [...name('js'), ...name('f64'), 0x00, 0x01],
  ]);
  const funcs = vec([[0x00], [0x01], [0x02], [0x03]]);
  const exports = vec([
    [...name('log-i32'), 0x00, 0x04], [...name('log-i64'), 0x00, 0x05],
    [...name('log-f32'), 0x00, 0x06], [...name('log-f64'), 0x00, 0x07],
  ]);
  const bodies = [
    [0x00, 0x20, 0x00, 0x10, 0x00, 0x0b],
    [0x00, 0x20, 0x00, 0x10, 0x01, 0x0b],
    [0x00, 0x20, 0x00, 0xbc, 0x10, 0x02, 0x0b],
    [0x00, 0x20, 0x00, 0xbd, 0x10, 0x03, 0x0b],
  ];
  const code = vec(bodies.map((b) => [...uleb(b.length), ...b]));
  const bytes = [...MAGIC, ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(7, exports),
    ...section(10, code)];
  const u32 = (v) => (v >>> 0).toString();
  const u64 = (v) => BigInt.asUintN(64, v).toString();
  const inst = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes)), {
    js: {
      i32: (v) => log.push('i32:' + u32(v)), i64: (v) => log.push('i64:' + u64(v)),
      f32: (v) => log.push('f32:' + u32(v)), f64: (v) => log.push('f64:' + u64(v)),
    },
  });
  loggerExports = inst.exports;
  return loggerExports;
}

// ---- instances ----------------------------------------------------------------------------------------------
const instances = new Map(); // id -> {instance, module}

function decode(b64) {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function instantiate(req) {
  let module;
  try {
    module = new WebAssembly.Module(decode(req.wasm));
  } catch (e) {
    return { ok: false, phase: 'compile', message: String(e.message) };
  }
  const importObject = {};
  const links = req.links || {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (importObject[imp.module]) continue;
    const target = links[imp.module];
    if (typeof target === 'string' && target.startsWith('spectest')) {
      if (!spectests.has(target)) spectests.set(target, spectest());
      importObject[imp.module] = spectests.get(target);
    } else if (target === 'fuzzing-support') {
      importObject[imp.module] = logger();
    } else if (target !== undefined && instances.has(target)) {
      importObject[imp.module] = instances.get(target).instance.exports;
    }
  }
  let instance;
  try {
    instance = new WebAssembly.Instance(module, importObject);
  } catch (e) {
    if (e instanceof WebAssembly.LinkError || e instanceof TypeError) {
      return { ok: false, phase: 'link', message: String(e.message) };
    }
    if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) {
      return { ok: false, phase: 'start', message: String(e.message), error: e.constructor.name };
    }
    return { ok: false, phase: 'instantiate', message: String(e && e.stack ? e.stack : e) };
  }
  instances.set(req.id, { instance, module });
  return { ok: true };
}

function argValue(t, v) {
  switch (t) {
    case 'i32': case 'f32': return Number(BigInt.asIntN(32, BigInt(v)));
    case 'i64': case 'f64': return BigInt.asIntN(64, BigInt(v));
    case 'externref': return v === 'null' ? null : externOf(v.startsWith('extern:') ? v.slice(7) : v);
    case 'funcref': return null;
    default: throw new Error('unsupported argument type ' + t);
  }
}

function refResult(t, v) {
  if (v === null) return 'null';
  if (t === 'funcref') return 'func';
  if (v && typeof v === 'object' && 'externId' in v) return 'extern:' + v.externId;
  return 'extern:?';
}

function invoke(req) {
  const entry = instances.get(req.id);
  if (!entry) return { ok: false, phase: 'invoke', message: 'no instance ' + req.id };
  const fn = entry.instance.exports[req.export];
  if (typeof fn !== 'function') return { ok: false, phase: 'invoke', message: 'no function export ' + req.export };
  const params = req.params.map(normType);
  const results = req.results.map(normType);
  log = [];
  let inv;
  try {
    inv = new WebAssembly.Instance(invoker(params, results), { t: { f: fn } });
  } catch (e) {
    return { ok: false, phase: 'invoke', message: 'invoker: ' + e.message };
  }
  const args = params.map((t, i) => argValue(t, req.args[i]));
  try {
    inv.exports.call(...args);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) {
      return { ok: true, trap: String(e.message), error: e.constructor.name, log };
    }
    return { ok: false, phase: 'invoke', message: String(e && e.stack ? e.stack : e), log };
  }
  const view = new DataView(inv.exports.m.buffer);
  const out = results.map((t, i) => {
    switch (t) {
      case 'i32': case 'f32': return view.getUint32(8 * i, true).toString();
      case 'i64': case 'f64': return view.getBigUint64(8 * i, true).toString();
      case 'funcref': return refResult(t, inv.exports.tf.get(i));
      default: return refResult(t, inv.exports.te.get(i));
    }
  });
  return { ok: true, results: out, log };
}

function state(req) {
  const entry = instances.get(req.id);
  if (!entry) return { ok: false, phase: 'state', message: 'no instance ' + req.id };
  const exports = entry.instance.exports;
  const memories = (req.memories || []).map((n) => {
    const m = exports[n];
    if (!m) return 'missing';
    const bytes = new Uint8Array(m.buffer);
    return (bytes.length / 65536) + ':' + crypto.createHash('sha256').update(bytes).digest('hex');
  });
  const globals = (req.globals || []).map((g) => {
    const r = invoke({ id: req.id, export: g.getter, params: [], results: [g.type], args: [] });
    return r.ok && r.results ? r.results[0] : 'error:' + (r.message || r.trap);
  });
  return { ok: true, memories, globals };
}

function dump(req) {
  const entry = instances.get(req.id);
  const m = entry && entry.instance.exports[req.memory];
  if (!m) return { ok: false, phase: 'dump', message: 'no memory ' + req.memory };
  const bytes = new Uint8Array(m.buffer).subarray(req.offset, req.offset + req.length);
  return { ok: true, bytes: Buffer.from(bytes).toString('base64') };
}

function handle(req) {
  switch (req.op) {
    case 'ping': return { ok: true, node: process.version, v8: process.versions.v8 };
    case 'validate':
      try {
        new WebAssembly.Module(decode(req.wasm));
        return { ok: true, valid: true };
      } catch (e) {
        return { ok: true, valid: false, message: String(e.message) };
      }
    case 'instantiate': return instantiate(req);
    case 'invoke': return invoke(req);
    case 'state': return state(req);
    case 'dump': return dump(req);
    case 'forget':
      for (const id of req.ids || []) instances.delete(id);
      for (const scope of req.spectests || []) spectests.delete(scope);
      return { ok: true };
    case 'reset':
      instances.clear();
      spectests.clear();
      return { ok: true };
    default: return { ok: false, phase: 'protocol', message: 'unknown op ' + req.op };
  }
}

const rl = readline.createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
rl.on('line', (line) => {
  let res;
  try {
    res = handle(JSON.parse(line));
  } catch (e) {
    res = { ok: false, phase: 'protocol', message: String(e && e.stack ? e.stack : e) };
  }
  process.stdout.write(JSON.stringify(res) + '\n');
});
rl.on('close', () => process.exit(0));
