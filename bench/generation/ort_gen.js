// ONNX Runtime running the cached greedy loop of bench/generation: the
// decoder-step model (explicit past keys/values in and out) exported by
// models.py, one new token per step. Prints the stats line of the compiled
// models' --stats on stderr and the ids on stdout.
//   node ort_gen.js CASE_DIR decoder|encoder-decoder --threads N --new N
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

function readIds(file) {
  const buf = fs.readFileSync(file);
  const hlen = buf.readUInt16LE(8);
  const data = buf.subarray(10 + hlen);
  const copy = new ArrayBuffer(data.length);
  new Uint8Array(copy).set(data);
  const ids = new BigInt64Array(copy);
  return new ort.Tensor('int64', ids, [1, ids.length]);
}

function argmax(logits) {
  const v = logits.data;
  let best = 0;
  for (let i = 1; i < v.length; ++i) if (v[i] > v[best]) best = i;
  return best;
}

async function main() {
  const args = process.argv.slice(2);
  const dir = args[0], kind = args[1];
  let threads = 1, maxNew = 1;
  for (let i = 2; i < args.length; ++i) {
    if (args[i] === '--threads') threads = Number(args[++i]);
    else if (args[i] === '--new') maxNew = Number(args[++i]);
  }
  const options = {
    intraOpNumThreads: threads, interOpNumThreads: 1,
    executionMode: 'sequential', graphOptimizationLevel: 'all',
  };
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'model.json')));
  const layers = config.num_layers || config.num_decoder_layers;
  const heads = config.num_heads, dh = config.d_model / heads;
  const step = await ort.InferenceSession.create(path.join(dir, 'step.onnx'), options);
  const encoder = kind === 'encoder-decoder'
      ? await ort.InferenceSession.create(path.join(dir, 'encoder.onnx'), options) : null;
  const prompt = readIds(path.join(dir, 'prompt.npy'));
  const empty = new ort.Tensor('float32', new Float32Array(0), [layers, 1, heads, 0, dh]);
  const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

  const ids = [];
  let t0 = process.hrtime.bigint();
  let feeds = { past_k: empty, past_v: empty };
  if (encoder) {
    const cross = await encoder.run({ src: prompt });
    feeds.cross_k = cross.cross_k;
    feeds.cross_v = cross.cross_v;
    feeds.ids = new ort.Tensor('int64', BigInt64Array.from([BigInt(config.bos_id)]), [1, 1]);
  } else {
    feeds.ids = prompt;
  }
  let out = await step.run(feeds);
  ids.push(argmax(out.logits));
  const prefill = ms(t0);
  const times = [];
  while (ids.length < maxNew) {
    t0 = process.hrtime.bigint();
    feeds.ids = new ort.Tensor('int64', BigInt64Array.from([BigInt(ids[ids.length - 1])]), [1, 1]);
    feeds.past_k = out.k;
    feeds.past_v = out.v;
    out = await step.run(feeds);
    ids.push(argmax(out.logits));
    times.push(ms(t0));
  }
  const w = Math.min(16, times.length);
  const mean = (a) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : 0);
  const total = prefill + times.reduce((x, y) => x + y, 0);
  process.stderr.write(
      `stats: prompt_len=${prompt.dims[1]} generated=${ids.length} ` +
      `prefill_ms=${prefill.toFixed(3)} ` +
      `decode_ms_first16=${mean(times.slice(0, w)).toFixed(3)} ` +
      `decode_ms_last16=${mean(times.slice(times.length - w)).toFixed(3)} ` +
      `tokens_per_s=${(ids.length * 1000 / total).toFixed(2)}\n`);
  process.stdout.write(ids.join(' ') + '\n');
}

main().catch((e) => { console.error(`error: ${e.message}`); process.exit(2); });
