/**
 * Fuzz tests (test/fuzz/): a bounded, seeded fuzz run over the corpus and fixtures, systematic truncations, a replay of
 * every saved regression, and adversarial captures built in code. Cases run in child processes (CasePool from
 * long-run.ts) so that even a true infinite loop fails the test instead of hanging it. A new failure is minimised and
 * saved into test/fuzz/regressions/ (see docs/fuzzing.md), and the test fails.
 *
 * FUZZ_CASES (default 2000) and FUZZ_SEED change the bounded run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helpers/corpus.js';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Conversation, mqttConnect, mqttPacket, pcapFile } from './fuzz/build.js';
import {
  DEFAULT_BUDGETS, SCENARIOS, loadRegressions, loadSources, makeCase, runCase, type Failure, type FuzzCase, type RunOptions,
  type ScenarioResult,
} from './fuzz/harness.js';
import { CasePool, failureSignature, minimizeAndSave } from './fuzz/long-run.js';
import { Rng, caseSeed, mutate, parseLayout, truncationPoints } from './fuzz/mutate.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const LONG_RUN = path.join(here, 'fuzz', 'long-run.js');
const run = promisify(execFile);

const CASES = Number(process.env['FUZZ_CASES'] ?? 2000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 0x5eed2024) >>> 0;
const TRUNCATIONS_PER_FILE = 16;
/** Per-case budgets: 4 s rather than the long run's 2 s, as this test shares the machine with the other test files. */
const BUDGETS = { ...DEFAULT_BUDGETS, timeMs: 4000 };

const sources = loadSources();

interface Failed {
  what: string;
  failure: Failure;
  c?: FuzzCase;
}

function report(failed: Failed[], saved: string[]): string {
  const lines = failed.slice(0, 20).map((f) => `  ${f.what}: ${f.failure.kind}: ${f.failure.message.slice(0, 300)}`);
  return `${failed.length} failing case(s):\n${lines.join('\n')}${saved.length > 0 ? `\nsaved: ${saved.join(', ')}` : ''}`;
}

/** Minimises and saves the first case of each distinct failure. */
async function keep(pool: CasePool, failed: Failed[]): Promise<string[]> {
  const seen = new Set<string>();
  const saved: string[] = [];
  for (const f of failed) {
    const sig = failureSignature(f.failure);
    if (f.c === undefined || seen.has(sig)) continue;
    seen.add(sig);
    const file = await minimizeAndSave(pool, f.c, f.failure, { save: true, maxAttempts: f.failure.kind === 'hang' ? 8 : 60 });
    if (file !== undefined) saved.push(path.basename(file));
  }
  return saved;
}

test('fuzz: bounded seeded run over the corpus and fixtures, then systematic truncations', { timeout: 600_000 }, async (t) => {
  if (sources.length === 0) {
    t.skip('no captures in ../shared/corpus or fixtures/');
    return;
  }
  const pool = new CasePool({ workers: 2, timeoutMs: 20_000, budgets: BUDGETS, sources });
  const failed: Failed[] = [];
  const started = Date.now();
  let fatal = 0;
  try {
    // Random mutations: every case follows from its seed.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < CASES) {
        const seed = caseSeed(SEED, next++);
        const reply = await pool.runSeed(seed);
        if (reply.result.outcome === 'fatal') fatal++;
        if (reply.result.failure !== undefined) {
          const c: FuzzCase = reply.data !== undefined && reply.options !== undefined
            ? { seed, source: reply.source ?? '?', mutator: reply.mutator ?? '?', detail: reply.detail ?? '', data: Buffer.from(reply.data, 'base64'), options: reply.options }
            : makeCase(sources, seed);
          failed.push({ what: `seed ${seed} (${c.mutator} on ${c.source})`, failure: reply.result.failure, c });
        }
      }
    };
    await Promise.all([worker(), worker()]);
    const randomSeconds = (Date.now() - started) / 1000;

    // Truncation at record boundaries and inside records (header, first data byte, one byte short...).
    const jobs: Array<{ source: string; cut: number; data: Buffer; options: RunOptions }> = [];
    for (const s of sources) {
      const layout = parseLayout(s.data, s.ports);
      for (const cut of truncationPoints(s.data, layout, TRUNCATIONS_PER_FILE)) {
        jobs.push({ source: s.name, cut, data: s.data.subarray(0, cut), options: { ports: s.ports, table: false } });
      }
    }
    let j = 0;
    const truncWorker = async (): Promise<void> => {
      while (j < jobs.length) {
        const job = jobs[j++]!;
        const reply = await pool.runInput(job.data, job.options);
        if (reply.result.failure !== undefined) {
          failed.push({
            what: `${job.source} cut at ${job.cut}`, failure: reply.result.failure,
            c: { seed: job.cut, source: job.source, mutator: 'truncate-systematic', detail: `cut at ${job.cut}`, data: Buffer.from(job.data), options: job.options },
          });
        }
      }
    };
    await Promise.all([truncWorker(), truncWorker()]);
    const seconds = (Date.now() - started) / 1000;
    t.diagnostic(`${CASES} random cases in ${randomSeconds.toFixed(1)} s (${(CASES / randomSeconds).toFixed(0)}/s, ${fatal} rejected as unreadable), `
      + `${jobs.length} truncations; ${seconds.toFixed(1)} s in all, ${sources.length} source captures, seed ${SEED}`);
    const saved = failed.length > 0 ? await keep(pool, failed) : [];
    assert.equal(failed.length, 0, report(failed, saved));
  } finally {
    pool.close();
  }
});

test('fuzz: every saved regression passes', { timeout: 300_000 }, async (t) => {
  const regressions = loadRegressions();
  if (regressions.length === 0) {
    t.skip('no regressions saved');
    return;
  }
  const pool = new CasePool({ workers: 2, timeoutMs: 20_000, budgets: BUDGETS });
  try {
    const results = await Promise.all(regressions.map(async (r) => ({ r, reply: await pool.runInput(r.data, r.info.options ?? { ports: [] }) })));
    const failed = results.filter(({ reply }) => !reply.result.ok)
      .map(({ r, reply }) => `${path.basename(r.file)}: ${reply.result.failure!.kind}: ${reply.result.failure!.message}`);
    t.diagnostic(`${regressions.length} regression(s) replayed`);
    assert.deepEqual(failed, []);
  } finally {
    pool.close();
  }
});

test('fuzz: long and hostile MQTT strings render quickly in every view', { timeout: 120_000 }, async () => {
  // cli-table3 re-measures a cell's whole text for each line it draws (cubic for non-ASCII text): the views must
  // hand it bounded, control-free cells. Topics up to 65 535 bytes with CJK, combining marks, controls, ESC, newlines.
  const conv = new Conversation({ ip: '10.0.0.1', port: 40000 }, { ip: '10.0.0.2', port: 1883 });
  const str = (s: string): Buffer => {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(b.length);
    return Buffer.concat([len, b]);
  };
  const topics = [
    `${'t'.repeat(3000)}中${'\n'.repeat(100)}${'t'.repeat(3000)}`,
    'e\u0301'.repeat(20_000),
    `${'x'.repeat(20)}\n`.repeat(3000),
    `\u001b[31m${'中'.repeat(20_000)}\u0001\u0085`,
    'a'.repeat(65_535),
  ];
  const records = [...conv.handshake(), conv.clientData(mqttConnect(`client-${'\u0007'.repeat(5000)}`))];
  for (const topic of topics) records.push(conv.clientData(mqttPacket(0x30, Buffer.concat([str(topic), Buffer.from('payload 中文')]))));
  const data = pcapFile(records);
  const pool = new CasePool({ workers: 1, timeoutMs: 60_000, budgets: BUDGETS });
  try {
    for (const options of [{ ports: [] }, { ports: [], lang: 'id' as const, live: true }]) {
      const reply = await pool.runInput(data, options);
      assert.equal(reply.result.ok, true, JSON.stringify(reply.result.failure));
      assert.ok(reply.result.events >= 5 + topics.length, `events: ${reply.result.events}`);
    }
  } finally {
    pool.close();
  }
});

async function scenario(name: string): Promise<ScenarioResult> {
  // A small heap: memory that is not bounded ends the child with an out-of-memory error.
  const { stdout } = await run(process.execPath, ['--max-old-space-size=256', '--expose-gc', LONG_RUN, '--scenario', name],
    { timeout: 120_000, maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout) as ScenarioResult;
  assert.equal(result.error, undefined, `${name}: ${result.error}`);
  assert.equal(result.invariant, undefined, `${name}: ${result.invariant}`);
  assert.ok(result.peakRssGrowthMB < 300, `${name}: RSS grew by ${result.peakRssGrowthMB} MB`);
  return result;
}

test('fuzz: adversarial captures built in code', { timeout: 600_000 }, async (t) => {
  const checks: Record<string, (r: ScenarioResult) => void> = {
    'publish-256mb': (r) => {
      assert.equal(r.findings['mqtt.packet-too-large'], 1);
      assert.equal(r.events['mqtt:PUBLISH'], 1);
      assert.equal(r.events['mqtt:PINGREQ'], 1, 'framing resumes after the oversized packet');
    },
    'ooo-flood': (r) => {
      assert.ok((r.findings['tcp.reassembly-cap'] ?? 0) >= 1, JSON.stringify(r.findings));
      assert.ok(r.ms < 30_000, `took ${r.ms} ms`);
    },
    'ooo-flood-many': (r) => {
      assert.ok((r.findings['tcp.reassembly-cap'] ?? 0) >= 1, JSON.stringify(r.findings));
      assert.ok(r.ms < 60_000, `took ${r.ms} ms`);
    },
    'syn-flood': (r) => {
      assert.equal(r.events['tcp:SYN'], 200_000);
      assert.equal(r.findings['tcp.connection-evicted'], 199_000);
    },
    'pcapng-4gb-block': (r) => {
      assert.equal(r.findings['capture.bad-block'], 1);
      assert.equal(r.events['tcp:SYN'], 1);
      assert.equal(r.events['tcp:SYN-ACK'], 1);
    },
    'pcapng-64mb-block-cut': (r) => {
      assert.equal(r.findings['capture.truncated-record'], 1);
      assert.equal(r.events['tcp:SYN'], 1);
    },
    'pcap-256mb-record-cut': (r) => {
      assert.equal(r.findings['capture.truncated-record'], 1);
    },
    'big-packet-small-segments': (r) => {
      assert.equal(r.events['mqtt:PUBLISH'], 1);
      assert.equal(r.events['mqtt:PINGREQ'], 1);
      assert.ok(r.ms < 8000, `a 1 MB packet in 100-byte segments took ${r.ms} ms`);
    },
  };
  assert.deepEqual(Object.keys(checks).sort(), Object.keys(SCENARIOS).sort());
  const names = Object.keys(SCENARIOS);
  let i = 0;
  const results: ScenarioResult[] = [];
  const worker = async (): Promise<void> => {
    while (i < names.length) {
      const name = names[i++]!;
      results.push(await scenario(name));
    }
  };
  await Promise.all([worker(), worker()]);
  for (const r of results) {
    t.diagnostic(`${r.name}: ${r.frames} frames in ${r.ms} ms, RSS +${r.peakRssGrowthMB} MB, heap after GC ${r.heapAfterGcMB} MB`);
    checks[r.name]!(r);
  }
});

test('fuzz: mutators are deterministic and keep to their formats', () => {
  if (sources.length === 0) return;
  for (let i = 0; i < 50; i++) {
    const seed = caseSeed(7, i);
    const a = makeCase(sources, seed);
    const b = makeCase(sources, seed);
    assert.equal(a.mutator, b.mutator);
    assert.ok(a.data.equals(b.data), `seed ${seed}: same seed, same bytes`);
  }
  // The layout parser finds every record of an unmutated capture and the MQTT headers in it.
  for (const s of sources) {
    const layout = parseLayout(s.data, s.ports);
    assert.notEqual(layout.format, 'unknown', s.name);
    assert.ok(layout.records.length > 0, `${s.name}: records found`);
    if (!/cut/.test(s.name)) assert.equal(layout.tail, 0, `${s.name}: records parse to the end`);
  }
  assert.ok(sources.some((s) => parseLayout(s.data, s.ports).records.some((r) => (r.layers?.mqtt.length ?? 0) > 0)), 'MQTT headers located');
  const rng = new Rng(1);
  const x = [rng.float(), rng.float()];
  const again = new Rng(1);
  assert.deepEqual(x, [again.float(), again.float()]);
});

test('fuzz: the structure-aware mutators of round two apply where their structure is, and the pipeline holds', { timeout: 300_000 }, async () => {
  const fixture = (name: string) => readFileSync(path.join(repoRoot, 'fixtures', name));
  const cases: Array<[string, string, RegExp, (layout: ReturnType<typeof parseLayout>, before: ReturnType<typeof parseLayout>) => void]> = [
    ['mqtt-strings', 'qos-mqtt5.pcap', /^(topic|client id) at \d+ \(\d+ bytes\) = /, (l, b) => assert.equal(l.records.length, b.records.length)],
    ['tcp-segmentation', 'reqresp.pcap', /payload bytes in \d+ segments/, (l, b) => assert.ok(l.records.length > b.records.length)],
    ['tcp-segmentation', 'reqresp.pcapng', /payload bytes in \d+ segments/, (l, b) => assert.ok(l.records.length > b.records.length)],
    ['pcapng-blocks', 'reqresp.pcapng', /blocks before loose record/, (l, b) => assert.ok(l.records.length > b.records.length && l.tail === 0)],
  ];
  for (const [mutator, name, detail, shape] of cases) {
    const input = fixture(name);
    const before = parseLayout(input, []);
    for (let seed = 1; seed <= 12; seed++) {
      const m = mutate(input, new Rng(seed), { mutator });
      assert.match(m.detail, detail, `${mutator} on ${name}, seed ${seed}`);
      shape(parseLayout(m.data, []), before);
      const r = await runCase(m.data, {}, { timeMs: 8000, memoryMB: 300 });
      assert.equal(r.failure, undefined, `${mutator} on ${name}, seed ${seed}: ${JSON.stringify(r.failure)}`);
    }
  }
});
