/**
 * thread-floors.ts - what a worker thread could take off the main thread, measured before building one (issue #12,
 * "The second core"). Prints CPU (user+sys) and wall of: the record walk alone, the walk plus link/IP/TCP decode,
 * and the structured-clone cost of the analysis' events (what crossing a thread as objects would cost).
 *
 * stringify: JSON.stringify of the same batches, i.e. the NDJSON formatting a worker would take over.
 *
 * encode / post: NDJSON lines encoded on the main thread, or posted as joined strings to a worker that encodes them.
 *
 *   node dist/bench/thread-floors.js CAPTURE walk|decode|events|clone|stringify|encode|post
 */
import { readCapture } from '../src/capture/index.js';
import { decodeFrame } from '../src/decode/frame.js';
import { analyzeCapture } from '../src/pipeline/analyze.js';
import { serialize } from 'node:v8';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** CPU of the main thread alone, in seconds (Linux). */
function mainThreadCpu(): number {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
const JSON_EXTRA_TEST = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

const file = process.argv[2] ?? '';
const mode = process.argv[3] ?? 'walk';
const t0 = process.hrtime.bigint();
const u0 = process.cpuUsage();
let n = 0;
if (mode === 'walk' || mode === 'decode') {
  const decode = mode === 'decode';
  await readCapture(file, {
    frame(f) {
      n++;
      if (decode) decodeFrame(f);
    },
    notice() {},
  });
} else if (mode === 'encode' || mode === 'post') {
  // NDJSON lines built on the main thread; then either encoded into 256 KiB buffers here (as ChunkedWriter does),
  // or joined per 256 KiB and posted as strings to a worker that tests, encodes and drops them.
  const post = mode === 'post';
  const worker = post ? new Worker(`const { parentPort } = require('node:worker_threads');
    const re = ${JSON_EXTRA_TEST.toString()};
    parentPort.on('message', (m) => { if (m === null) { parentPort.close(); return; } re.test(m); Buffer.from(m); });`, { eval: true }) : undefined;
  let buffer = Buffer.allocUnsafe(256 * 1024);
  let used = 0;
  let lines: string[] = [];
  let length = 0;
  await analyzeCapture(file, {
    onEvent: (e) => {
      n++;
      const line = `${JSON.stringify(e)}\n`;
      if (post) {
        lines.push(line);
        length += line.length;
        if (length >= 256 * 1024) { worker!.postMessage(lines.join('')); lines = []; length = 0; }
        return;
      }
      JSON_EXTRA_TEST.test(line);
      if (used + line.length * 3 > buffer.length) { buffer = Buffer.allocUnsafe(256 * 1024); used = 0; }
      used += buffer.write(line, used);
    },
  });
  if (worker !== undefined) {
    worker.postMessage(lines.join(''));
    worker.postMessage(null);
    await new Promise((resolve) => worker.once('exit', resolve));
  }
  console.error(`${mode}: main thread cpu ${mainThreadCpu().toFixed(2)} s (whole run)`);
} else {
  let bytes = 0;
  let batch: unknown[] = [];
  const clone = mode === 'clone' || mode === 'stringify';
  const json = mode === 'stringify';
  await analyzeCapture(file, {
    onEvent: (e) => {
      n++;
      if (!clone) return;
      batch.push(e);
      if (batch.length === 1024) { bytes += json ? JSON.stringify(batch).length : serialize(batch).length; batch = []; }
    },
  });
  if (clone) console.error(`${mode} ${(bytes / 1e6).toFixed(1)} MB`);
}
const u = process.cpuUsage(u0);
console.error(`${mode}: ${n} items, wall ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(3)} s, cpu ${((u.user + u.system) / 1e6).toFixed(3)} s`);
