/**
 * table-view.ts - how much of the default table's time is the view and how much is producing its events.
 *
 *   node dist/bench/table-view.js CAPTURE none|table|replay [ROUNDS]
 *
 * Runs the analysis the table gets (full events, the diagnosis stage) with either an empty sink (`none`) or the
 * timeline table written to /dev/null (`table`); time each as a whole process (`/usr/bin/time`, interleaved runs):
 * the difference is the view. Prints the rows written and the view's own time (hrtime around its calls) on stderr.
 * `replay` collects the events first, then formats them ROUNDS times (default 5) and prints the CPU time
 * (user+sys) of each round, then their min and median: the view alone, little disturbed by other processes on a busy
 * machine (run it with `node --expose-gc` to collect the heap before each round).
 */
import { openSync, createWriteStream } from 'node:fs';
import { analyzeCapture } from '../src/pipeline/analyze.js';
import { DiagnosisStage } from '../src/diagnosis/stage.js';
import { ChunkedWriter } from '../src/views/output.js';
import { makeStyle } from '../src/views/style.js';
import { TableView } from '../src/views/table.js';
import type { AnalysisSink } from '../src/model/sink.js';

const file = process.argv[2] ?? 'bench/data/base.pcap';
const mode = process.argv[3] ?? 'table';
const out = new ChunkedWriter(createWriteStream('', { fd: openSync('/dev/null', 'w') }));
let events = 0;
let viewNs = 0n;
let sink: AnalysisSink;
if (mode === 'replay') {
  const { events: all } = await analyzeCapture(file, { tlsPorts: [8883], stages: [new DiagnosisStage()], collect: true });
  const rounds = Number(process.argv[4] ?? 5);
  const times: string[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let r = 0; r < rounds; r++) {
    // With --expose-gc each round starts from a collected heap (less noise from the collected events' old generation).
    gc?.();
    const before = process.cpuUsage();
    const table = new TableView(out, { width: undefined, live: false, style: makeStyle(false) });
    for (const e of all) table.event(e);
    table.end();
    out.flush();
    const used = process.cpuUsage(before);
    times.push(((used.user + used.system) / 1000).toFixed(0));
    await out.close();
  }
  const sorted = times.map(Number).sort((a, b) => a - b);
  console.error(`table-view replay: ${all.length} events, view CPU ms per round: ${times.join(' ')}; min ${sorted[0]}, median ${sorted[sorted.length >> 1]}`);
  process.exit(0);
}
if (mode === 'none') {
  sink = { event: () => { events++; } };
} else {
  const table = new TableView(out, { width: undefined, live: false, style: makeStyle(false) });
  sink = {
    event: (e) => {
      events++;
      const t = process.hrtime.bigint();
      table.event(e);
      viewNs += process.hrtime.bigint() - t;
    },
    end: () => {
      const t = process.hrtime.bigint();
      table.end();
      viewNs += process.hrtime.bigint() - t;
    },
  };
}
await analyzeCapture(file, { tlsPorts: [8883], sinks: [sink], stages: [new DiagnosisStage()] });
await out.close();
console.error(`table-view ${mode}: ${events} events, view ${(Number(viewNs) / 1e6).toFixed(0)} ms`);
