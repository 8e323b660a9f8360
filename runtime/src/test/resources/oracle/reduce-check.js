// The command wasm-reduce runs on each candidate (io.llmtestbench.runtime.spec.Reducer): asks the oracle's JVM,
// listening on a loopback port, whether the candidate still diverges, and prints its answer ("yes" or "no").
// Usage: node reduce-check.js <port> <candidate.wasm>
'use strict';
const net = require('net');
const [port, candidate] = process.argv.slice(2);
let answer = '';
const socket = net.createConnection({ host: '127.0.0.1', port: Number(port) }, () => socket.write(candidate + '\n'));
socket.on('data', (d) => { answer += d.toString('utf8'); });
socket.on('end', () => { console.log(answer.trim() || 'no'); process.exit(0); });
socket.on('error', () => { console.log('no'); process.exit(0); });
