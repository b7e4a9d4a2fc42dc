/**
 * alloc-profile.ts - what the summary path allocates, by function, in one process (no start-up, no output):
 *
 *   node dist/bench/alloc-profile.js [CAPTURE] [--top N] [--events]
 *
 * Runs analyzeCapture on CAPTURE (default bench/data/base.pcap) the way `--format summary` does (summaryOnly, the
 * diagnosis stage; with --events the full path, every event built) under V8's sampling heap profiler with the objects
 * already collected included (so garbage counts, which is what the young generation pays for), and prints the bytes
 * allocated in all and the top N (default 25) allocating functions with their caller. Sampling: one sample per 4 KiB
 * on average, so figures move by a few per cent between runs; nothing is timed or asserted.
 */
import { Session } from 'node:inspector/promises';
import { DiagnosisStage } from '../src/diagnosis/stage.js';
import { analyzeCapture } from '../src/pipeline/analyze.js';

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const events = args.includes('--events');
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--top') ?? 'bench/data/base.pcap';

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true,
});
await analyzeCapture(file, { summaryOnly: !events, onEvent: () => undefined, stages: [new DiagnosisStage()] });
const { profile } = await session.post('HeapProfiler.stopSampling');
session.disconnect();

const where = (node: SamplingNode): string =>
  `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/dist\//, '')}:${node.callFrame.lineNumber + 1}`;
const bytes = new Map<string, number>();
let total = 0;
const walk = (node: SamplingNode, caller: string): void => {
  if (node.selfSize > 0) {
    const key = `${where(node)}  < ${caller}`;
    bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
  }
  for (const child of node.children) walk(child, node.callFrame.functionName || '(anonymous)');
};
walk(profile.head as SamplingNode, '');
console.log(`${file}, ${events ? 'every event built' : 'summary path'}: ${(total / 1e6).toFixed(0)} MB allocated (sampled)`);
for (const [key, n] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${(n / 1e6).toFixed(1).padStart(7)} MB ${(100 * n / total).toFixed(1).padStart(5)} %  ${key}`);
}
