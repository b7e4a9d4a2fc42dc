/**
 * Writes one hostile capture (test/fuzz/hostile-captures.ts) to standard output, streamed, for measuring the CLI on
 * big inputs (docs/fuzzing.md's table, test/fuzz/hostile-measure.ts):
 *   node dist/test/fuzz/hostile-gen.js carry-flood CONNECTIONS SEGMENTS > f.pcap
 * Does not: run the analysis.
 */
import { once } from 'node:events';
import { pcapStream } from './build.js';
import { carryFlood } from './hostile-captures.js';

async function write(chunks: Iterable<Buffer>): Promise<void> {
  for (const chunk of chunks) if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
}

const [kind, ...args] = process.argv.slice(2);
const n = (i: number, fallback: number): number => (args[i] !== undefined ? Number(args[i]) : fallback);
switch (kind) {
  case 'carry-flood':
    await write(pcapStream(carryFlood(n(0, 1), n(1, 1_000_000), n(2, 1_000_000), n(3, 1))));
    break;
  default:
    process.stderr.write('usage: hostile-gen.js carry-flood [CONNECTIONS SEGMENTS ANNOUNCED SEGMENT_BYTES]\n');
    process.exitCode = 2;
}
