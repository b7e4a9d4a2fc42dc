/**
 * thread-split.ts - measures candidate (a) of "the second core" (issue #12): the record walk in a worker thread,
 * the main thread doing decode → reassembly → MQTT → analysis (summary path, with the diagnosis stage), against
 * today's one-thread reader. Prints wall, CPU and a hash of the summary (must match between modes).
 *
 * Modes: main (readCapture, as the CLI), inline (the worker's readSync loop on the main thread), worker. Classic
 * little-endian pcap only (a prototype). Results: docs/performance.md, "Round four" → "The second core".
 *
 *   node dist/bench/thread-split.js CAPTURE main|inline|worker [summary|events]
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { startAnalysis, CaptureAnalyzer } from '../src/pipeline/analyze.js';
import { DiagnosisStage } from '../src/diagnosis/stage.js';
import type { CaptureSummary } from '../src/capture/types.js';

const file = process.argv[2] ?? '';
const mode = process.argv[3] ?? 'main';
const lean = (process.argv[4] ?? 'summary') === 'summary';
const t0 = process.hrtime.bigint();
const u0 = process.cpuUsage();
let events = 0;
const options = { summaryOnly: lean, stages: [new DiagnosisStage()], onEvent: () => { events++; } };
let summary: unknown;
if (mode === 'main') {
  summary = (await startAnalysis(file, options).result).summary;
} else if (mode === 'inline') {
  // The worker's loop on the main thread: readSync in 1 MiB chunks, the same record walk, no stream machinery.
  const { openSync, readSync, closeSync } = await import('node:fs');
  const analyzer = new CaptureAnalyzer(options);
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(24);
  readSync(fd, head, 0, 24, 0);
  const linkType = head.readUInt32LE(20);
  let position = 24;
  let carry = Buffer.alloc(0);
  let frames = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(Math.max(1024 * 1024, carry.length + 65536));
    carry.copy(buf, 0);
    const got = readSync(fd, buf, carry.length, buf.length - carry.length, position);
    position += got;
    const end = carry.length + got;
    if (got === 0) break;
    let off = 0;
    while (end - off >= 16) {
      const caplen = buf.readUInt32LE(off + 8);
      if (end - off < 16 + caplen) break;
      analyzer.frame({ frame: ++frames, tsSec: buf.readUInt32LE(off), tsNsec: buf.readUInt32LE(off + 4) * 1000, linkType,
        data: buf.subarray(off + 16, off + 16 + caplen), originalLength: buf.readUInt32LE(off + 12), interfaceId: 0 });
      off += 16 + caplen;
    }
    carry = Buffer.from(buf.subarray(off, end));
  }
  closeSync(fd);
  summary = analyzer.finish({ format: 'pcap', gzip: false, frames, bytes: position,
    interfaces: [{ linkType, snaplen: head.readUInt32LE(16), tsUnitsPerSecond: 1e6 }], skipped: {} }).summary;
} else {
  const analyzer = new CaptureAnalyzer(options);
  const control = new SharedArrayBuffer(4);
  const consumed = new Int32Array(control);
  const worker = new Worker(new URL('./thread-split-worker.js', import.meta.url), { workerData: { file, control } });
  let linkType = 1;
  let snaplen = 0;
  let frames = 0;
  summary = await new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (m: { linkType?: number; snaplen?: number; buf?: ArrayBuffer; index?: Float64Array; done?: boolean; bytes?: number }) => {
      if (m.linkType !== undefined) { linkType = m.linkType; snaplen = m.snaplen ?? 0; return; }
      if (m.done === true) {
        const capture: CaptureSummary = { format: 'pcap', gzip: false, frames, bytes: m.bytes ?? 0,
          interfaces: [{ linkType, snaplen, tsUnitsPerSecond: 1e6 }], skipped: {} };
        resolve(analyzer.finish(capture).summary);
        return;
      }
      const ab = m.buf!;
      const idx = m.index!;
      for (let i = 0; i < idx.length; i += 5) {
        analyzer.frame({ frame: ++frames, tsSec: idx[i + 3]!, tsNsec: idx[i + 4]!, linkType, data: Buffer.from(ab, idx[i]!, idx[i + 1]!),
          originalLength: idx[i + 2]!, interfaceId: 0 });
      }
      Atomics.add(consumed, 0, 1);
      Atomics.notify(consumed, 0);
    });
  });
  await worker.terminate();
}
const u = process.cpuUsage(u0);
const mainTicks = (): number => { const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]); };
const hash = createHash('sha256').update(JSON.stringify(summary)).digest('hex').slice(0, 12);
console.error(`${mode} ${lean ? 'summary' : 'events'}: ${events} events, summary ${hash}, wall ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(3)} s, cpu ${((u.user + u.system) / 1e6).toFixed(3)} s, main thread cpu ${(mainTicks() / 100).toFixed(2)} s (whole run)`);
