// A stand-in for aviary_worker.py that starts in milliseconds, for tests of the pool's logic.
// It speaks the same protocol (src/runtime/worker/frame-codec.ts, batch-codec.ts) and serves a
// "model" with columns x (float64) and mode (JSON): y = 2x, unless a row's mode says otherwise:
//   "exit"       the process exits with code 3
//   "exit-once"  exits if the file exit-once.done in its folder is absent, creating it first
//   "hang"       never answers
// On start it appends its pid to starts.log in the current folder (the model folder), and if
// the file exit-after-ready exists there, exits with code 4 just after saying ready.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';

const header = (type, id, length) => {
  const h = Buffer.alloc(12);
  h.write('Av', 0, 'latin1');
  h.writeUInt8(1, 2);
  h.writeUInt8(type, 3);
  h.writeUInt32LE(id, 4);
  h.writeUInt32LE(length, 8);
  return h;
};
const send = (type, id, payload = Buffer.alloc(0)) => process.stdout.write(Buffer.concat([header(type, id, payload.length), payload]));
const pad8 = (n) => (n + 7) & ~7;

function answer(id, payload) {
  const n = payload.readUInt32LE(0);
  const { rows, columns } = JSON.parse(payload.toString('utf8', 4, 4 + n));
  let offset = pad8(4 + n);
  const data = {};
  for (const c of columns) {
    const size = c.dtype === 'float64' ? rows * 8 : c.bytes;
    const bytes = payload.subarray(offset, offset + size);
    data[c.name] = c.dtype === 'float64' ? Array.from({ length: rows }, (_, i) => bytes.readDoubleLE(i * 8)) : JSON.parse(bytes.toString());
    offset = pad8(offset + size);
  }
  for (const mode of data.mode ?? []) {
    if (mode === 'exit') process.exit(3);
    if (mode === 'exit-once' && !existsSync('exit-once.done')) {
      writeFileSync('exit-once.done', String(process.pid));
      process.exit(3);
    }
    if (mode === 'hang') return;
  }
  const pids = Buffer.from(JSON.stringify(Array(rows).fill(process.pid)));
  const h = Buffer.from(JSON.stringify({ rows, columns: [{ name: 'y', dtype: 'float64' }, { name: 'pid', dtype: 'json', bytes: pids.length }] }));
  const y = Buffer.alloc(rows * 8);
  data.x.forEach((x, i) => y.writeDoubleLE(2 * x, i * 8));
  const start = pad8(4 + h.length);
  const out = Buffer.alloc(pad8(start + y.length) + pids.length);
  out.writeUInt32LE(h.length, 0);
  h.copy(out, 4);
  y.copy(out, start);
  pids.copy(out, pad8(start + y.length));
  send(5, id, out);
}

appendFileSync('starts.log', `${process.pid} ${Date.now()}\n`);
send(1, 0, Buffer.from(JSON.stringify({ pid: process.pid, load_ms: 1, python: 'fake', mlflow: 'fake', flavor: 'fake' })));
if (existsSync('exit-after-ready')) setTimeout(() => process.exit(4), 5);

let buffered = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buffered = Buffer.concat([buffered, chunk]);
  while (buffered.length >= 12 && buffered.length >= 12 + buffered.readUInt32LE(8)) {
    const type = buffered.readUInt8(3);
    const id = buffered.readUInt32LE(4);
    const payload = buffered.subarray(12, 12 + buffered.readUInt32LE(8));
    buffered = buffered.subarray(12 + payload.length);
    if (type === 2) send(3, id);
    if (type === 4) answer(id, payload);
  }
});
process.stdin.on('end', () => process.exit(0));
