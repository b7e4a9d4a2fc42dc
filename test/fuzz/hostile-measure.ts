/**
 * Measures the CLI on each hostile class (docs/fuzzing.md, "Hostile input, round two"): writes each generated capture
 * to a temporary folder, runs `analyze --format ndjson` under /usr/bin/time with the default bounds and budget, and
 * prints a Markdown table (input size, wall time, peak RSS, exit status, the findings that bounded it). Run once, by
 * hand, after `npm run build` (minutes: it is not a test): node dist/test/fuzz/hostile-measure.js [CLASS...]
 * Does not: assert anything (test/hostile-*.test.ts do, on small sizes).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/corpus.js';
import { SCENARIOS } from './harness.js';
import { pcapStream } from './build.js';
import { carryFlood, idbFloodGz, pendingFlood, zeroBomb } from './hostile-captures.js';
import { HOSTILE_STRINGS, hostileCapture } from './hostile-strings.js';

const CLI = path.join(repoRoot, 'dist/src/cli/main.js');
const dir = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-hostile-measure-'));

async function stream(file: string, chunks: Iterable<Buffer>): Promise<void> {
  const out = createWriteStream(file);
  for (const chunk of chunks) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

const CLASSES: Record<string, { what: string; make: (file: string) => Promise<void> | void }> = {
  'idb-flood': { what: 'pcapng IDB flood, 5 M IDBs (`idbFloodGz`)', make: async (f) => writeFileSync(f, await idbFloodGz(5_000_000)) },
  'carry-1': { what: 'framer carry: a 1 MB PUBLISH in 1 M one-byte segments (`carryFlood(1, 1e6)`)', make: (f) => stream(f, pcapStream(carryFlood(1, 1_000_000))) },
  'carry-50': { what: 'framer carry: 50 connections, 1 M one-byte segments in all', make: (f) => stream(f, pcapStream(carryFlood(50, 1_000_000))) },
  'carry-50x1m': { what: 'framer carry: 50 connections × a whole 1 MB PUBLISH in one-byte segments', make: (f) => stream(f, pcapStream(carryFlood(50, 50_000_000))) },
  'zero-gzip': { what: 'gzip of zeros behind a pcap header (`zeroBomb(64 MiB)`)', make: (f) => writeFileSync(f, zeroBomb(64 * 1024 * 1024)) },
  'pending-flood': { what: '1 M unanswered PINGREQs on one connection (`pendingFlood`)', make: (f) => writeFileSync(f, pendingFlood(1_000_000)) },
  'ooo-flood': { what: 'out-of-order flood: 300 000 one-byte segments after a hole (scenario `ooo-flood`)', make: (f) => stream(f, SCENARIOS['ooo-flood']!.input()) },
  'ooo-flood-many': { what: '200 connections × 2500 one-byte out-of-order segments (`ooo-flood-many`)', make: (f) => stream(f, SCENARIOS['ooo-flood-many']!.input()) },
  'long-strings': { what: 'hostile strings ×200, each as client id, user, topic, payload (`hostileCapture`)', make: (f) => writeFileSync(f, hostileCapture(Array.from({ length: 200 }, (_, i) => HOSTILE_STRINGS[i % HOSTILE_STRINGS.length]! + 'x'.repeat(i * 300)))) },
};

const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(CLASSES);
console.log('| class | input | time | peak RSS | exit | findings that bound it |\n|---|---|---|---|---|---|');
for (const name of wanted) {
  const c = CLASSES[name];
  if (c === undefined) { console.error(`unknown class ${name}`); continue; }
  const file = path.join(dir, `${name}${name.includes('idb') || name.includes('gzip') ? '.gz' : '.pcap'}`);
  await c.make(file);
  const size = statSync(file).size;
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, CLI, 'analyze', file, '--format', 'ndjson'],
    { encoding: 'utf8', maxBuffer: 1 << 30 });
  const [seconds, kb] = (r.stderr.trim().split('\n').pop() ?? '').split(' ');
  const counts = new Map<string, number>();
  let lines = 0;
  for (const line of r.stdout.split('\n')) {
    if (line === '') continue;
    lines++;
    const m = /"code":"([a-z.-]+)"/.exec(line);
    if (m !== null && /^(budget|capture\.(decompression|interface)|mqtt\.(pending|packet-too|unanswered)|tcp\.reassembly|decode\.truncated)/.test(m[1]!)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  const findings = [...counts].map(([code, n]) => `${code} ×${n}`).join(', ');
  console.log(`| ${c.what} | ${human(size)} | ${seconds} s | ${Math.round(Number(kb) / 1024)} MB | ${r.status} | ${findings} (${lines} NDJSON lines) |`);
  rmSync(file, { force: true });
}
rmSync(dir, { recursive: true, force: true });

function human(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}
