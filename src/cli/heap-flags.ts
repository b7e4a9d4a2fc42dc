/**
 * V8's young generation for long runs: a capture file of 64 MiB or more, and standard input (or a named pipe) that is
 * a pipe or a socket, are analysed by a child Node started with `--max-semi-space-size=8` (the same command line, standard
 * streams shared, its exit code or signal passed on), because V8 reads that size only when a process starts. With
 * the default (up to 32 MB per semi-space, grown as a run allocates) the peak memory of a long run grows with the
 * capture; with 8 MB it stays lower at no cost in time (docs/performance.md). A pipe's length is unknown and it may
 * be a live capture that runs for hours, where the peak matters and ~50 ms of start-up does not; standard input
 * redirected from a file follows the file rule. Small capture files run in this process (a second Node costs
 * ~40 ms of start-up, and the bin's code cache does not apply under another V8 flag). Nothing else: no options are
 * read or changed here.
 *
 * The child also gets as many V8 background threads as the cores the analysing thread leaves (`--v8-pool-size`,
 * 1 to 4; Node's default is 4 whatever the machine), and on a machine of two cores or fewer its garbage collector on
 * the analysing thread alone (`--single-threaded-gc`): more background threads than free cores slow the one thread
 * that does the work (V8's optimising-compiler jobs and collector tasks take its core and hold it at safepoints).
 * Measured on 2 cores, big.pcap: table 0.96×, summary 0.96× the wall time, lower peak (docs/performance.md, round
 * seven). Like the heap flag, V8 reads the pool size only when a process starts, so a small capture cannot have it.
 */
import { fstatSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export const REEXEC_MIN_BYTES = 64 * 1024 * 1024;
const FLAG = '--max-semi-space-size=8';

/** True when `file` should be analysed by a child with the heap flag (see above). */
export function wantsHeapFlags(file: string): boolean {
  if (process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) return false;
  if (process.argv[1] === undefined) return false;
  try {
    const stat = file === '-' ? fstatSync(0) : statSync(file);
    return stat.isFile() ? stat.size >= REEXEC_MIN_BYTES : stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}

/** The child's V8 flags on a machine of `cores` cores (see above): the heap flag, then the threads'. */
export function childFlags(cores: number): string[] {
  const pool = Math.max(1, Math.min(4, cores - 1));
  return [FLAG, `--v8-pool-size=${pool}`, ...(cores <= 2 ? ['--single-threaded-gc'] : [])];
}

/** Runs this same command line in a child Node with the heap flag; resolves to its exit code. */
export function runWithHeapFlags(): Promise<number> {
  const args = [...childFlags(availableParallelism()), ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)];
  const child = process.getBuiltinModule('node:child_process').spawn(process.execPath, args, { stdio: 'inherit' });
  // Ctrl-C reaches the child too (same process group): this process waits for it to stop. A signal sent to this
  // process alone is passed on.
  const forward = (signal: NodeJS.Signals) => () => {
    child.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      if (signal !== null) {
        process.kill(process.pid, signal);
        resolve(128 + 2);
      } else resolve(code ?? 3);
    });
  });
}
