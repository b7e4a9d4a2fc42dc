/**
 * Long fuzz runs: `node dist/test/fuzz/long-run.js --cases 100000 --seed N [--workers 2] [--minutes M]`.
 *
 * Each case runs in a child process (a pool of `--workers`, default 2), so a true infinite loop is caught: a case that
 * does not answer within `--timeout` ms (default 15 000) has its child killed and counts as a hang; a child that dies
 * (out of memory, native crash) counts as a crash. Inside the child the harness also fails slow cases (over
 * `--budget-ms`, default 2000), memory blow-ups (RSS growth over `--memory-mb`, default 300) and broken invariants.
 * Every new kind of failure is minimised (in fresh children, bounded) and saved into test/fuzz/regressions/ as
 * `<seed>-<mutator>.pcap` + `.json` (unless `--no-save`). Progress goes to stderr; the final report (JSON) to stdout.
 *
 * The same file is the child: `long-run.js --child` reads cases from its parent over IPC.
 * `CasePool` is exported for the bounded run in test/fuzz.test.ts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_BUDGETS, SOURCES_ENV, loadSources, makeCase, minimize, runCase, runScenario, saveRegression, sameFailure,
  type Budgets, type CaseResult, type Failure, type FuzzCase, type RunOptions, type Source,
} from './harness.js';
import { caseSeed } from './mutate.js';

const SELF = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------------------------
// Child side

type Request =
  | { type: 'case'; id: number; seed: number; budgets: Budgets }
  | { type: 'input'; id: number; data: string; options: RunOptions; budgets: Budgets };

export interface CaseReply {
  id: number;
  seed?: number;
  source?: string;
  mutator?: string;
  detail?: string;
  result: CaseResult;
  /** For a failing case: its input (base64) and run options, so the parent can keep it. */
  data?: string;
  options?: RunOptions;
}

async function childMain(): Promise<void> {
  let sources: Source[] | undefined;
  process.on('message', (message: Request) => {
    void (async () => {
      let reply: CaseReply;
      try {
        if (message.type === 'case') {
          sources ??= loadSources();
          const c = makeCase(sources, message.seed);
          const result = await runCase(c.data, c.options, message.budgets);
          reply = { id: message.id, seed: c.seed, source: c.source, mutator: c.mutator, detail: c.detail.slice(0, 2000), result };
          if (!result.ok) Object.assign(reply, { data: c.data.toString('base64'), options: c.options });
        } else {
          const result = await runCase(Buffer.from(message.data, 'base64'), message.options, message.budgets);
          reply = { id: message.id, result };
        }
      } catch (e) {
        // A bug of the fuzzer itself (runCase never throws): reported, not fatal to the run.
        const err = e instanceof Error ? e : new Error(String(e));
        reply = {
          id: message.id, mutator: 'fuzzer',
          result: { ok: false, failure: { kind: 'exception', message: `fuzzer error: ${err.message}`, ...(err.stack !== undefined ? { stack: err.stack } : {}) }, outcome: 'analysed', ms: 0, rssGrowthMB: 0, frames: 0, events: 0 },
        };
      }
      process.send!(reply);
    })();
  });
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------------------------
// Parent side: a pool of children with a per-case timeout

interface Slot {
  child: ChildProcess;
  busy: boolean;
  done: number;
}

export interface PoolOptions {
  workers: number;
  /** Kill a child whose case has not answered after this many ms. */
  timeoutMs: number;
  budgets: Budgets;
  /** Replace a child after this many cases (keeps memory measurements clean). */
  recycleAfter?: number;
  /** V8 heap limit of the children (MB). */
  heapMB?: number;
}

/**
 * Runs cases in child processes. `run` resolves with the child's reply, or with a synthetic failing result when the
 * child timed out (hang) or died (crash).
 */
export class CasePool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<(slot: Slot) => void> = [];
  private nextId = 1;
  private closed = false;

  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: PoolOptions & { sources?: readonly Source[] }) {
    this.env = { ...process.env };
    if (options.sources !== undefined) {
      this.env[SOURCES_ENV] = JSON.stringify(options.sources.map((s) => ({ file: s.file, name: s.name, ports: s.ports })));
    }
    for (let i = 0; i < options.workers; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const child = fork(SELF, ['--child'], {
      execArgv: [`--max-old-space-size=${this.options.heapMB ?? 2048}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
      env: this.env,
    });
    child.stderr?.resume();
    return { child, busy: false, done: 0 };
  }

  private acquire(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free !== undefined) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot, replace: boolean): void {
    let s = slot;
    if (replace || (this.options.recycleAfter !== undefined && slot.done >= this.options.recycleAfter)) {
      slot.child.removeAllListeners();
      if (slot.child.exitCode === null && slot.child.signalCode === null) slot.child.kill('SIGKILL');
      const i = this.slots.indexOf(slot);
      s = this.spawn();
      if (i >= 0) this.slots[i] = s;
    }
    if (this.closed) {
      s.child.kill('SIGKILL');
      return;
    }
    const next = this.waiting.shift();
    if (next !== undefined) {
      s.busy = true;
      next(s);
    } else s.busy = false;
  }

  /** One case from its seed (the child generates it). */
  runSeed(seed: number): Promise<CaseReply> {
    return this.send((id) => ({ type: 'case', id, seed, budgets: this.options.budgets }));
  }

  /** One explicit input. */
  runInput(data: Buffer, options: RunOptions, timeoutMs?: number): Promise<CaseReply> {
    return this.send((id) => ({ type: 'input', id, data: data.toString('base64'), options, budgets: this.options.budgets }), timeoutMs);
  }

  private async send(make: (id: number) => Request, timeoutMs = this.options.timeoutMs): Promise<CaseReply> {
    const slot = await this.acquire();
    const id = this.nextId++;
    const request = make(id);
    const started = Date.now();
    return new Promise<CaseReply>((resolve) => {
      let settled = false;
      const finish = (reply: CaseReply, replace: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        slot.child.off('message', onMessage);
        slot.child.off('exit', onExit);
        slot.done++;
        this.release(slot, replace);
        resolve(reply);
      };
      const synthetic = (failure: Failure): CaseReply => ({
        id, ...(request.type === 'case' ? { seed: request.seed } : {}),
        result: { ok: false, failure, outcome: 'analysed', ms: Date.now() - started, rssGrowthMB: 0, frames: 0, events: 0 },
      });
      const onMessage = (reply: CaseReply): void => {
        if (reply.id === id) finish(reply, false);
      };
      const onExit = (code: number | null, signal: string | null): void => {
        finish(synthetic({ kind: 'crash', message: `child process died (exit code ${code}, signal ${signal})` }), true);
      };
      const timer = setTimeout(() => {
        finish(synthetic({ kind: 'hang', message: `no answer after ${timeoutMs} ms: child killed (infinite loop or extreme slowness)` }), true);
      }, timeoutMs);
      slot.child.on('message', onMessage);
      slot.child.on('exit', onExit);
      slot.child.send(request);
    });
  }

  close(): void {
    this.closed = true;
    for (const s of this.slots) {
      s.child.removeAllListeners();
      s.child.kill('SIGKILL');
    }
  }
}

/** A short stable signature of a failure, to report each distinct bug once. */
export function failureSignature(f: Failure): string {
  if (f.kind === 'exception') {
    const at = (f.stack ?? '').split('\n').find((l) => l.includes('/src/')) ?? '';
    return `exception ${f.message.split(':')[0]} ${at.trim().replace(/:\d+\)?$/, '')}`;
  }
  if (f.kind === 'invariant') return `invariant ${f.message.split(' ')[0]}`;
  return f.kind;
}

/** Minimises a failing case in fresh children (safe for hangs) and saves it. Returns the regression file. */
export async function minimizeAndSave(pool: CasePool, c: FuzzCase, failure: Failure, options: { save: boolean; maxAttempts?: number }): Promise<string | undefined> {
  const heavy = failure.kind === 'hang' || failure.kind === 'crash' || failure.kind === 'memory';
  const ports = c.options.ports ?? [];
  const minimized = await minimize(c.data, ports, async (candidate) => {
    const reply = await pool.runInput(candidate, c.options);
    return sameFailure(failure, reply.result.failure);
  }, { maxAttempts: options.maxAttempts ?? (heavy ? 12 : 120), maxMs: heavy ? 180_000 : 60_000 });
  if (!options.save) return undefined;
  return saveRegression({
    seed: c.seed, mutator: c.mutator, source: c.source, detail: c.detail.slice(0, 2000), failure, options: c.options,
    originalBytes: c.data.length, minimizedBytes: minimized.length,
  }, minimized);
}

// ---------------------------------------------------------------------------------------------------------------
// CLI

interface Args {
  cases: number;
  seed: number;
  workers: number;
  minutes: number;
  timeoutMs: number;
  budgets: Budgets;
  save: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    cases: 100_000, seed: 1, workers: 2, minutes: Infinity, timeoutMs: 15_000, budgets: { ...DEFAULT_BUDGETS }, save: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isFinite(n)) throw new Error(`${a} needs a number`);
      return n;
    };
    switch (a) {
      case '--cases': args.cases = v(); break;
      case '--seed': args.seed = v() >>> 0; break;
      case '--workers': args.workers = Math.max(1, v()); break;
      case '--minutes': args.minutes = v(); break;
      case '--timeout': args.timeoutMs = v(); break;
      case '--budget-ms': args.budgets.timeMs = v(); break;
      case '--memory-mb': args.budgets.memoryMB = v(); break;
      case '--no-save': args.save = false; break;
      case '--help': case '-h':
        process.stdout.write('usage: long-run.js [--cases N] [--seed N] [--workers N] [--minutes M] [--timeout MS] [--budget-ms MS] [--memory-mb MB] [--no-save]\n');
        process.exit(0);
        break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  return args;
}

async function parentMain(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const sources = loadSources();
  if (sources.length === 0) throw new Error('no captures found (../shared/corpus and fixtures/ are empty)');
  const pool = new CasePool({ workers: args.workers, timeoutMs: args.timeoutMs, budgets: args.budgets, recycleAfter: 5000, sources });
  const started = Date.now();
  const deadline = started + args.minutes * 60_000;
  const outcomes = { analysed: 0, fatal: 0 };
  const fatalCodes: Record<string, number> = {};
  const failuresByKind: Record<string, number> = {};
  const byMutator: Record<string, number> = {};
  const signatures = new Map<string, { seed: number; mutator: string; source: string; message: string; count: number; regression?: string }>();
  let done = 0;
  let slowest = { ms: 0, seed: 0, mutator: '' };
  let maxRssGrowth = 0;
  let next = 0;
  let lastProgress = Date.now();
  const pendingSaves: Array<Promise<void>> = [];

  const progress = (force = false): void => {
    if (!force && Date.now() - lastProgress < 10_000) return;
    lastProgress = Date.now();
    const s = (Date.now() - started) / 1000;
    process.stderr.write(`[fuzz] ${done} cases in ${s.toFixed(0)} s (${(done / s).toFixed(1)}/s), fatal ${outcomes.fatal}, failures ${Object.values(failuresByKind).reduce((a, b) => a + b, 0)} (${signatures.size} distinct)\n`);
  };

  const worker = async (): Promise<void> => {
    while (next < args.cases && Date.now() < deadline) {
      const index = next++;
      const seed = caseSeed(args.seed, index);
      const reply = await pool.runSeed(seed);
      done++;
      const r = reply.result;
      const mutator = reply.mutator ?? '?';
      byMutator[mutator] = (byMutator[mutator] ?? 0) + 1;
      outcomes[r.outcome]++;
      if (r.fatalCode !== undefined) fatalCodes[r.fatalCode] = (fatalCodes[r.fatalCode] ?? 0) + 1;
      if (r.ms > slowest.ms) slowest = { ms: Math.round(r.ms), seed, mutator };
      maxRssGrowth = Math.max(maxRssGrowth, r.rssGrowthMB);
      if (r.failure !== undefined) {
        failuresByKind[r.failure.kind] = (failuresByKind[r.failure.kind] ?? 0) + 1;
        const sig = failureSignature(r.failure);
        const known = signatures.get(sig);
        if (known !== undefined) known.count++;
        else {
          // The child sent the failing input; after a hang or a crash, regenerate it (deterministic from the seed).
          let c: FuzzCase | undefined;
          try {
            c = reply.data !== undefined && reply.options !== undefined
              ? { seed, source: reply.source ?? '?', mutator, detail: reply.detail ?? '', data: Buffer.from(reply.data, 'base64'), options: reply.options }
              : makeCase(sources, seed);
          } catch (e) {
            process.stderr.write(`[fuzz] seed ${seed}: cannot regenerate the case: ${String(e)}\n`);
          }
          if (c === undefined) {
            signatures.set(sig, { seed, mutator, source: '?', message: r.failure.message.slice(0, 300), count: 1 });
            continue;
          }
          const entry = { seed, mutator: c.mutator, source: c.source, message: r.failure.message.slice(0, 300), count: 1 } as {
            seed: number; mutator: string; source: string; message: string; count: number; regression?: string;
          };
          signatures.set(sig, entry);
          process.stderr.write(`[fuzz] FAILURE ${sig}: seed ${seed} ${c.mutator} on ${c.source}: ${entry.message}\n`);
          const failure = r.failure;
          pendingSaves.push(minimizeAndSave(pool, c, failure, { save: args.save }).then((file) => {
            if (file !== undefined) {
              entry.regression = path.relative(process.cwd(), file);
              process.stderr.write(`[fuzz] saved ${entry.regression}\n`);
            }
          }, (e: unknown) => { process.stderr.write(`[fuzz] could not minimise seed ${seed}: ${String(e)}\n`); }));
        }
      }
      progress();
    }
  };
  try {
    await Promise.all(Array.from({ length: args.workers }, worker));
    await Promise.all(pendingSaves);
  } finally {
    pool.close();
  }
  progress(true);
  const seconds = (Date.now() - started) / 1000;
  const report = {
    seed: args.seed, cases: done, seconds: Math.round(seconds), casesPerSecond: Number((done / seconds).toFixed(1)), workers: args.workers,
    sources: sources.length, outcomes, fatalCodes, failures: failuresByKind,
    distinctFailures: [...signatures.entries()].map(([signature, e]) => ({ signature, ...e })),
    slowest, maxRssGrowthMB: Math.round(maxRssGrowth), byMutator,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = signatures.size > 0 ? 1 : 0;
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === SELF;
if (invokedDirectly) {
  const scenario = process.argv.indexOf('--scenario');
  if (process.argv.includes('--child')) void childMain();
  else if (scenario > 0) {
    // One adversarial scenario; the result as JSON on stdout (run with a small heap by the tests).
    runScenario(process.argv[scenario + 1] ?? '').then((r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
    }, (e: unknown) => {
      process.stderr.write(`long-run: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = 2;
    });
  }
  else {
    parentMain(process.argv.slice(2)).catch((e: unknown) => {
      process.stderr.write(`long-run: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = 2;
    });
  }
}
