/**
 * watch-memory.ts - does the live view's memory stay flat over an hour of traffic?
 *
 *   sudo bash bench/watch-make-hour.sh             # records bench/data/watch-base.pcap (one minute of lab traffic)
 *   node dist/bench/watch-memory.js [--copies 6,30,60] [--base bench/data/watch-base.pcap]
 *
 * For each N in --copies, bench/scale.js lays N copies of the recording end to end (N minutes of traffic; new
 * addresses and ports in every copy, so clients come and go), then `mqtt-pcap watch FILE --format ndjson` runs on
 * it as fast as it reads (the session's own code, in a child process) while the resident set size and the V8 heap
 * are sampled every minute of capture time (the live heap after a full collection, too: the child runs with
 * --expose-gc). Prints a Markdown table (also written to bench/data/watch-memory.md): peak RSS per file, the peak
 * RSS and live heap of each quarter of the longest (flat: the last quarter within a few % of the first), and
 * RSS/heap at each 5-minute mark.
 *
 *   node dist/bench/watch-memory.js --own FILE
 *
 * tells the live view's own share apart from the analysis underneath: the same file through the analysis alone and
 * through the analysis plus the WatchAggregator, the live heap (after a full GC) at 25/50/75/100 % of the frames.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runWatch } from '../src/watch/session.js';
import { WatchAggregator } from '../src/watch/aggregate.js';
import { analyzeCapture } from '../src/pipeline/analyze.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const dataDir = path.join(root, 'bench', 'data');

interface Sample { minute: number; rssMb: number; heapMb: number; liveHeapMb: number }
interface ChildResult { file: string; frames: number; messages: number; captureSeconds: number; wallSeconds: number; peakRssMb: number; samples: Sample[] }

async function child(file: string): Promise<void> {
  const samples: Sample[] = [];
  let nextMark = 0;
  let pending = '';
  const output = new Writable({
    write(chunk, _encoding, done) {
      pending += String(chunk);
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const end = /"end":([\d.]+)/.exec(line);
        if (end !== null && Number(end[1]) >= nextMark) {
          const m = process.memoryUsage();
          // After a full collection: what is really kept (the heap used above includes garbage not yet collected).
          (globalThis as { gc?: () => void }).gc?.();
          const live = process.memoryUsage().heapUsed;
          samples.push({ minute: Math.round(nextMark / 60), rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20, liveHeapMb: live / 2 ** 20 });
          nextMark += 60;
        }
      }
      done();
    },
  });
  const started = process.hrtime.bigint();
  const result = await runWatch({ input: { kind: 'file', path: file }, format: 'ndjson', output });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const s = result.summary;
  const out: ChildResult = {
    file, frames: s.frames.read, messages: s.mqtt.messages, captureSeconds: s.capture.durationSeconds, wallSeconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024, samples,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** Live heap at quarters of the frames, with or without the aggregator (`--own-child FILE FRAMES with|without`). */
async function ownChild(file: string, frames: number, withAggregator: boolean): Promise<void> {
  const aggregator = new WatchAggregator();
  const marks = [0.25, 0.5, 0.75, 0.98].map((q) => Math.floor(frames * q));
  const live: number[] = [];
  const gc = (globalThis as { gc?: () => void }).gc!;
  await analyzeCapture(file, {
    onEvent: withAggregator ? (e) => aggregator.add(e) : () => undefined,
    onProgress: (p) => {
      if (marks.length > 0 && p.frames >= marks[0]!) {
        marks.shift();
        gc();
        live.push(process.memoryUsage().heapUsed / 2 ** 20);
      }
    },
  });
  process.stdout.write(`${JSON.stringify({ live, tables: aggregator.tableSizes })}\n`);
}

function own(file: string): void {
  const frames = Number(/Number of packets:\s+(\d+)/.exec(execFileSync('capinfos', ['-c', '-M', file], { encoding: 'utf8' }))?.[1] ?? '0')
    || Math.floor(statSync(file).size / 190);
  const run = (mode: string): { live: number[]; tables: Record<string, number> } => JSON.parse(execFileSync(process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), '--own-child', file, String(frames), mode], { encoding: 'utf8' }).trim()) as { live: number[]; tables: Record<string, number> };
  const without = run('without');
  const withAgg = run('with');
  const lines = ['| frames read | live heap MB, analysis alone | live heap MB, analysis + watch aggregator | the aggregator\'s share MB |', '|---:|---:|---:|---:|'];
  ['25 %', '50 %', '75 %', '98 %'].forEach((q, i) => {
    const a = without.live[i] ?? NaN;
    const b = withAgg.live[i] ?? NaN;
    lines.push(`| ${q} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b - a).toFixed(1)} |`);
  });
  lines.push('', `aggregator tables at the end: ${JSON.stringify(withAgg.tables)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    void child(args[1]!);
    return;
  }
  if (args[0] === '--own-child') {
    void ownChild(args[1]!, Number(args[2]), args[3] === 'with');
    return;
  }
  if (args[0] === '--own') {
    own(args[1]!);
    return;
  }
  let copies = [6, 30, 60];
  let base = path.join(dataDir, 'watch-base.pcap');
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--copies') copies = args[++i]!.split(',').map(Number);
    else if (args[i] === '--base') base = args[++i]!;
  }
  if (!existsSync(base)) {
    console.error(`${base} missing: record it with "sudo bash bench/watch-make-hour.sh"`);
    process.exit(2);
  }
  const results: ChildResult[] = [];
  for (const n of copies) {
    const file = path.join(dataDir, `watch-${n}min.pcap`);
    if (!existsSync(file)) execFileSync(process.execPath, [path.join(here, 'scale.js'), base, file, '--copies', String(n)], { stdio: 'inherit' });
    const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', file], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const r = JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
    results.push(r);
    console.error(`${path.basename(file)}: ${(statSync(file).size / 1e6).toFixed(1)} MB, ${r.frames} frames, ${r.messages} MQTT messages, `
      + `${(r.captureSeconds / 60).toFixed(1)} min of traffic in ${r.wallSeconds.toFixed(1)} s, peak RSS ${r.peakRssMb.toFixed(0)} MB`);
  }
  const lines: string[] = [];
  lines.push('| file | size MB | frames | MQTT messages | traffic (min) | wall s | peak RSS MB |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    lines.push(`| ${path.basename(r.file)} | ${(statSync(r.file).size / 1e6).toFixed(1)} | ${r.frames} | ${r.messages} | ${(r.captureSeconds / 60).toFixed(1)} | ${r.wallSeconds.toFixed(1)} | ${r.peakRssMb.toFixed(0)} |`);
  }
  const longest = results.reduce((a, b) => (b.captureSeconds > a.captureSeconds ? b : a));
  const span = longest.captureSeconds / 60;
  lines.push('', `Each quarter of ${path.basename(longest.file)} (samples every minute of capture time):`, '',
    '| quarter | minutes | peak RSS MB | peak live heap MB (after a full GC) |', '|---:|---|---:|---:|');
  for (let q = 0; q < 4; q++) {
    const inQuarter = longest.samples.filter((s) => s.minute >= (q * span) / 4 && s.minute < ((q + 1) * span) / 4);
    if (inQuarter.length === 0) continue;
    lines.push(`| ${q + 1} | ${Math.round((q * span) / 4)}–${Math.round(((q + 1) * span) / 4)} | ${Math.max(...inQuarter.map((s) => s.rssMb)).toFixed(0)} | ${Math.max(...inQuarter.map((s) => s.liveHeapMb)).toFixed(1)} |`);
  }
  lines.push('', `RSS and V8 heap while ${path.basename(longest.file)} is read (at each 5 minutes of capture time):`, '',
    '| minute | RSS MB | heap used MB | live heap MB (after a full GC) |', '|---:|---:|---:|---:|');
  for (const s of longest.samples.filter((x) => x.minute % 5 === 0)) lines.push(`| ${s.minute} | ${s.rssMb.toFixed(0)} | ${s.heapMb.toFixed(1)} | ${s.liveHeapMb.toFixed(1)} |`);
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  writeFileSync(path.join(dataDir, 'watch-memory.md'), text);
}

main();
