/**
 * summary-floor.ts - where the summary path's time goes, layer by layer, in one process (no start-up, no output):
 *
 *   node --expose-gc dist/bench/summary-floor.js [CAPTURE] [--reps N] [--only STEP]
 *
 * Each step adds one layer to the one before and is timed in CPU milliseconds (process.cpuUsage, user + sys),
 * median of N runs (default 5), steps interleaved within each repetition:
 *   walk      readCapture with an empty sink (file reads and the record walk)
 *   decode    + decodeFrame of every frame (Ethernet/IP/TCP)
 *   tcp       + the TCP connection table (state machine, analysis flags, reassembly) with streams that drop the bytes
 *   analysis  + the MQTT dissectors, session tracking, fan-out and the summary (analyzeCapture, summaryOnly, no stages)
 *   diagnosis + the diagnosis stage (what `--format summary` runs, less the start-up and the printed tables)
 * It prints the steps and the difference each layer makes. Nothing is asserted: timing targets live in bench/run.ts.
 */
import { readCapture } from '../src/capture/index.js';
import { decodeFrame } from '../src/decode/frame.js';
import { DiagnosisStage } from '../src/diagnosis/stage.js';
import { analyzeCapture } from '../src/pipeline/analyze.js';
import { TcpConnectionTable } from '../src/reassembly/connections.js';

const args = process.argv.slice(2);
const repsAt = args.indexOf('--reps');
const reps = repsAt >= 0 ? Number(args[repsAt + 1]) : 5;
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--reps' && args[i - 1] !== '--only') ?? 'bench/data/base.pcap';

/** With `node --expose-gc`, each step starts from a collected heap (not paying for the garbage of the one before). */
const gc = (globalThis as { gc?: () => void }).gc;

const DROP = { data(): void {}, gap(): void {}, end(): void {} };

async function walk(): Promise<void> {
  await readCapture(file, { frame() {}, notice() {} });
}

async function decode(): Promise<void> {
  await readCapture(file, { frame(f) { decodeFrame(f); }, notice() {} });
}

async function tcp(): Promise<void> {
  const table = new TcpConnectionTable({
    maxConnections: 100_000, maxPendingBytesPerStream: 1 << 20, maxPendingBytesTotal: 64 << 20, serverPorts: new Set([1883, 8883]),
    openStreams: () => ({ toServer: DROP, toClient: DROP }), onLimit() {},
  });
  await readCapture(file, {
    frame(f) {
      const d = decodeFrame(f);
      if (d.tcp !== undefined && d.ip !== undefined) table.process(d.ip.src, d.ip.dst, d.tcp, d.frame, f.tsSec + f.tsNsec / 1e9);
    },
    notice() {},
  });
}

async function analysis(): Promise<void> {
  await analyzeCapture(file, { summaryOnly: true, sinks: [{ event() {} }] });
}

async function diagnosis(): Promise<void> {
  await analyzeCapture(file, { summaryOnly: true, sinks: [{ event() {} }], stages: [new DiagnosisStage()] });
}

const steps: Array<[string, () => Promise<void>]> = [
  ['walk', walk], ['decode', decode], ['tcp', tcp], ['analysis', analysis], ['diagnosis', diagnosis],
];
const onlyAt = args.indexOf('--only');
if (onlyAt >= 0) steps.splice(0, steps.length, ...steps.filter(([name]) => name === args[onlyAt + 1]));
const times = new Map<string, number[]>(steps.map(([name]) => [name, []]));
for (let r = 0; r < reps; r++) {
  for (const [name, step] of steps) {
    gc?.();
    const before = process.cpuUsage();
    await step();
    const used = process.cpuUsage(before);
    times.get(name)!.push((used.user + used.system) / 1000);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
let previous = 0;
console.log(`${file}, ${reps} repetitions, CPU ms (median)`);
for (const [name] of steps) {
  const m = median(times.get(name)!);
  console.log(`${name.padEnd(10)} ${m.toFixed(0).padStart(6)}  ${previous > 0 ? `+${(m - previous).toFixed(0)}` : ''}`);
  previous = m;
}
