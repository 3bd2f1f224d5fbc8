// The ONNX Runtime peer: runs an ONNX model on .npy inputs with
// onnxruntime-node (CPU), N times in one process, and prints
// "time: min X ms, median Y ms, N runs" on stderr; -o writes the first output.
//   node ort_run.js MODEL.onnx NAME=IN.npy ... --threads N --repeat N [-o OUT.npy]
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

function readNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + hlen);
  const shape = header.match(/'shape': \(([^)]*)\)/)[1]
      .split(',').map(s => s.trim()).filter(s => s.length).map(Number);
  const data = buf.subarray(start + hlen);
  const copy = new ArrayBuffer(data.length);
  new Uint8Array(copy).set(data);
  if (header.includes("'<f4'")) return new ort.Tensor('float32', new Float32Array(copy), shape);
  if (header.includes("'<i8'")) return new ort.Tensor('int64', new BigInt64Array(copy), shape);
  throw new Error(`${path}: expected float32 or int64`);
}

function writeNpy(path, tensor) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${tensor.dims.join(', ')}${tensor.dims.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64) header += ' ';
  header += '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const data = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  fs.writeFileSync(path, Buffer.concat([pre, Buffer.from(header, 'latin1'), data]));
}

async function main() {
  const args = process.argv.slice(2);
  let threads = 1, repeat = 1, out = null, model = null;
  const feeds = {};
  for (let i = 0; i < args.length; ++i) {
    const a = args[i];
    if (a === '--threads') threads = Number(args[++i]);
    else if (a === '--repeat') repeat = Number(args[++i]);
    else if (a === '-o') out = args[++i];
    else if (a.includes('=')) {
      const [name, path] = a.split('=');
      feeds[name] = readNpy(path);
    } else model = a;
  }
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1,
    executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const times = [];
  let result;
  for (let r = 0; r < repeat; ++r) {
    const t0 = process.hrtime.bigint();
    result = await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  process.stderr.write(`time: min ${times[0].toFixed(3)} ms, median ${times[times.length >> 1].toFixed(3)} ms, ${repeat} runs\n`);
  if (out) writeNpy(out, result[session.outputNames[0]]);
}

main().catch(e => { process.stderr.write(`ort_run: ${e.message}\n`); process.exit(2); });
