/**
 * warm-up.ts - what a first run costs that later ones do not: the table's analysis (full events, the diagnosis
 * stage, the timeline table written to /dev/null) run ROUNDS times in one process.
 *
 *   node dist/bench/warm-up.js [CAPTURE] [ROUNDS]
 *
 * Prints, per round, the wall time, the process' CPU time (every thread: background compilation and collection
 * included), its system time and its minor page faults (process.resourceUsage). The first round pays V8's warm-up
 * (optimising compilation, inline caches) and the first touch of every page the heap and the buffers grow into;
 * later rounds reuse both. Nothing is asserted; the figures move with the machine's load.
 */
import { createWriteStream, openSync } from 'node:fs';
import { analyzeCapture } from '../src/pipeline/analyze.js';
import { DiagnosisStage } from '../src/diagnosis/stage.js';
import { ChunkedWriter } from '../src/views/output.js';
import { makeStyle } from '../src/views/style.js';
import { TableView } from '../src/views/table.js';

const file = process.argv[2] ?? 'bench/data/base.pcap';
const rounds = Number(process.argv[3] ?? 4);
const out = new ChunkedWriter(createWriteStream('', { fd: openSync('/dev/null', 'w') }));

for (let round = 1; round <= rounds; round++) {
  const before = process.resourceUsage();
  const start = process.hrtime.bigint();
  const table = new TableView(out, { width: undefined, live: false, style: makeStyle(false) });
  await analyzeCapture(file, {
    tlsPorts: [8883], stages: [new DiagnosisStage()], collect: false, lazyTcpSummaries: true, omitMqttSummaries: true,
    sinks: [{ event: (e) => table.event(e), end: () => table.end() }],
  });
  out.flush();
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const after = process.resourceUsage();
  const cpu = (after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1e6;
  const sys = (after.systemCPUTime - before.systemCPUTime) / 1e6;
  const faults = after.minorPageFault - before.minorPageFault;
  console.log(`round ${round}: wall ${wall.toFixed(3)} s, CPU ${cpu.toFixed(3)} s (system ${sys.toFixed(3)} s), minor page faults ${faults}`);
}
await out.close();
