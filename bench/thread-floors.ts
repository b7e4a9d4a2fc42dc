/**
 * thread-floors.ts - what a worker thread could take off the main thread, measured before building one (issue #12,
 * "The second core"). Prints CPU (user+sys) and wall of: the record walk alone, the walk plus link/IP/TCP decode,
 * and the structured-clone cost of the analysis' events (what crossing a thread as objects would cost).
 *
 * stringify: JSON.stringify of the same batches, i.e. the NDJSON formatting a worker would take over.
 *
 *   node dist/bench/thread-floors.js CAPTURE walk|decode|events|clone|stringify
 */
import { readCapture } from '../src/capture/index.js';
import { decodeFrame } from '../src/decode/frame.js';
import { analyzeCapture } from '../src/pipeline/analyze.js';
import { serialize } from 'node:v8';

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
