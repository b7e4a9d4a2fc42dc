/**
 * Fuzz harness: runs one (mutated) capture through the whole pipeline — capture reader, decoders, TCP reassembly,
 * MQTT dissection, timeline, summary — and through every view (table, NDJSON, JSON, text summary, Markdown), exactly as
 * the CLI wires them, then checks what must always hold.
 *
 * A case FAILS on:
 *   exception  anything thrown other than a CaptureError (an unreadable input is an allowed, fatal outcome);
 *   hang       the case took longer than its time budget (a true infinite loop is caught by long-run.ts, which runs
 *              each case in a child process it kills on timeout);
 *   memory     resident memory grew more than the memory budget (default 300 MB) during the case;
 *   invariant  frames.read !== decoded + undecodable + sum(skipped), or decoded !== sum(byProtocol);
 *   ndjson     an NDJSON line that does not parse (a cut line), or output not ending in a newline;
 *   json       the JSON document does not parse;
 *   internal   a decoder reported an internal error ("decoder bug"), or an event has a non-finite time / bad frame;
 *   summary-only  the summary-only path (`--format summary`, summaryOnly) gives another summary than the full path.
 *
 * Also here: case generation from a seed (source capture, mutator, chunking, limits), a bounded minimiser, and saving
 * a failing case into test/fuzz/regressions/.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { gzipSync } from 'node:zlib';
import { CaptureAnalyzer, CaptureError, CaptureParser, analyzeCapture } from '../../src/index.js';
import type { AnalyzeOptions, AnalysisSummary, TimelineEvent } from '../../src/index.js';
import { JsonView } from '../../src/views/json.js';
import { KeyEventCollector, renderMarkdown } from '../../src/report/index.js';
import { NdjsonView } from '../../src/views/ndjson.js';
import { ChunkedWriter } from '../../src/views/output.js';
import { makeStyle } from '../../src/views/style.js';
import { renderSummary } from '../../src/views/summary-text.js';
import { TableView } from '../../src/views/table.js';
import { corpusCaptures, fixtureCaptures, repoRoot } from '../helpers/corpus.js';
import {
  Conversation, PINGREQ, TCP_ACK, TCP_SYN, ipOf, mqttConnect, mqttPublishHead, pcapHeader, pcapStream, pcapngBlock,
  pcapngEpb, pcapngIdb, pcapngShb, tcpFrame,
} from './build.js';
import { Rng, mutate, parseLayout } from './mutate.js';

export const REGRESSIONS_DIR = path.join(repoRoot, 'test', 'fuzz', 'regressions');

export type FailureKind = 'exception' | 'hang' | 'memory' | 'invariant' | 'ndjson' | 'json' | 'internal' | 'crash' | 'summary-only';

export interface Failure {
  kind: FailureKind;
  message: string;
  stack?: string;
}

/** How a case is fed to the pipeline (all derived from the case seed, saved with a regression). */
export interface RunOptions {
  ports?: number[];
  /** 'parser': CaptureParser + CaptureAnalyzer driven directly (fast); 'stream': analyzeCapture on a Readable. */
  via?: 'parser' | 'stream';
  /** Gzip the input first (only with via 'stream'). */
  gzip?: boolean;
  /** Seed of the chunk sizes the input is cut into (0: one chunk). */
  chunkSeed?: number;
  /** Analyzer limits (small values exercise the caps on small captures). */
  limits?: Pick<AnalyzeOptions, 'maxPacketBytes' | 'maxConnections' | 'maxBufferedBytesPerStream' | 'maxBufferedBytesTotal'>;
  /** NDJSON/table views in live mode (flush after each event). */
  live?: boolean;
  /** ChunkedWriter chunk size for the NDJSON and JSON outputs. */
  writerChunk?: number;
  lang?: 'en' | 'id';
  /** Render the table view (cli-table3 is by far the slowest part; the bounded run renders it for a share of cases). */
  table?: boolean;
}

export interface Budgets {
  /** Per-case time budget (ms). */
  timeMs: number;
  /** Allowed RSS growth during a case (MB). */
  memoryMB: number;
}

export const DEFAULT_BUDGETS: Budgets = { timeMs: 2000, memoryMB: 300 };

export interface CaseResult {
  ok: boolean;
  failure?: Failure;
  /** 'analysed', or 'fatal' when the input was rejected with a CaptureError (an allowed outcome). */
  outcome: 'analysed' | 'fatal';
  fatalCode?: string;
  ms: number;
  rssGrowthMB: number;
  frames: number;
  events: number;
}

/** A Writable that throws the bytes away. */
export function nullWritable(highWaterMark = 16 * 1024): Writable {
  return new Writable({ highWaterMark, write(_chunk, _enc, cb) { cb(); } });
}

/** A Writable that checks that its text is NDJSON: every complete line parses; remembers the unfinished tail. */
class NdjsonChecker extends Writable {
  private readonly decoder = new StringDecoder('utf8');
  private tail = '';
  lines = 0;
  error: string | undefined;

  constructor() {
    super({ highWaterMark: 8 * 1024, decodeStrings: false });
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    const text = this.tail + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const parts = text.split('\n');
    this.tail = parts.pop()!;
    for (const line of parts) {
      this.lines++;
      if (this.error !== undefined) continue;
      try {
        JSON.parse(line);
      } catch (e) {
        this.error = `NDJSON line ${this.lines} does not parse (${(e as Error).message}): ${line.slice(0, 200)}`;
      }
    }
    cb();
  }

  finishCheck(): string | undefined {
    if (this.error !== undefined) return this.error;
    if (this.tail !== '') return `NDJSON output ends with an unterminated line: ${this.tail.slice(0, 200)}`;
    return undefined;
  }
}

/** Collects text up to a cap (the JSON document is parsed at the end when it fits). */
class TextCollector extends Writable {
  private readonly decoder = new StringDecoder('utf8');
  private parts: string[] = [];
  size = 0;
  overflow = false;

  constructor(private readonly cap: number) {
    super({ highWaterMark: 64 * 1024, decodeStrings: false });
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    const s = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    this.size += s.length;
    if (this.size > this.cap) {
      this.overflow = true;
      this.parts = [];
    } else this.parts.push(s);
    cb();
  }

  text(): string {
    return this.parts.join('');
  }
}

function* chunksOf(input: Buffer, seed: number): Generator<Buffer> {
  if (seed === 0 || input.length === 0) {
    yield input;
    return;
  }
  const rng = new Rng(seed);
  let off = 0;
  while (off < input.length) {
    const size = rng.pick([1, 2, 3, 7, 16, 17, 100, 1000, 4096, 65536, input.length]);
    const n = Math.min(size, input.length - off);
    yield input.subarray(off, off + n);
    off += n;
  }
}

/** Table width: 160 as on a pipe, or a narrow terminal now and then (exercises word wrapping). */
function rngWidth(options: RunOptions): number {
  return (options.chunkSeed ?? 0) % 5 === 1 ? 40 : 160;
}

function sum(record: Record<string, number>): number {
  return Object.values(record).reduce((a, b) => a + b, 0);
}

/** The summary's frame accounting. Returns a message when it is broken. */
export function checkAccounting(summary: AnalysisSummary): string | undefined {
  const f = summary.frames;
  const skipped = sum(f.skipped);
  if (f.read !== f.decoded + f.undecodable + skipped) {
    return `frames.read ${f.read} !== decoded ${f.decoded} + undecodable ${f.undecodable} + skipped ${skipped} (${JSON.stringify(f.skipped)})`;
  }
  const byProtocol = sum(f.byProtocol);
  if (f.decoded !== byProtocol) return `frames.decoded ${f.decoded} !== sum(byProtocol) ${byProtocol} (${JSON.stringify(f.byProtocol)})`;
  return undefined;
}

function eventProblem(e: TimelineEvent): string | undefined {
  if (!Number.isFinite(e.time)) return `event with time ${e.time}: ${JSON.stringify(e).slice(0, 200)}`;
  if (!Number.isInteger(e.frame) || e.frame < 1) return `event with frame ${e.frame}: ${JSON.stringify(e).slice(0, 200)}`;
  if (e.type === 'finding' && e.summary.includes('decoder bug')) return `decoder internal error: ${e.summary}`;
  return undefined;
}

function rssMB(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}

function maxRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * Runs one input through the whole pipeline and every view. Never throws: every problem becomes a failure.
 */
export async function runCase(input: Buffer, options: RunOptions = {}, budgets: Budgets = DEFAULT_BUDGETS): Promise<CaseResult> {
  const rss0 = rssMB();
  const maxRss0 = maxRssMB();
  const started = performance.now();
  let peak = rss0;
  let frames = 0;
  let events = 0;
  let problem: string | undefined;
  let outcome: CaseResult['outcome'] = 'analysed';
  let fatalCode: string | undefined;
  let failure: Failure | undefined;

  const style = makeStyle(false);
  const live = options.live ?? false;
  const tableOut = new ChunkedWriter(nullWritable(), options.writerChunk ?? 256 * 1024);
  const ndjsonSink = new NdjsonChecker();
  const ndjsonOut = new ChunkedWriter(ndjsonSink, options.writerChunk ?? 256 * 1024);
  const jsonSink = new TextCollector(64 * 1024 * 1024);
  const jsonOut = new ChunkedWriter(jsonSink, options.writerChunk ?? 256 * 1024);
  const textOut = new ChunkedWriter(nullWritable());
  const table = options.table === false ? undefined : new TableView(tableOut, { width: rngWidth(options), live, style });
  const ndjson = new NdjsonView(ndjsonOut);
  const json = new JsonView(jsonOut, 'fuzz.pcap', '0.0.0-fuzz');
  const keyEvents = new KeyEventCollector();
  const onEvent = (e: TimelineEvent): void => {
    events++;
    if (problem === undefined) problem = eventProblem(e);
    table?.event(e);
    ndjson.event(e);
    json.event(e);
    keyEvents.add(e);
    if ((events & 0xfff) === 0) peak = Math.max(peak, rssMB());
  };
  // As the CLI: after each input chunk, live views flush, and reading waits while the output is backed up.
  const afterChunk = (): Promise<void> | undefined => {
    if (live) {
      table?.flushLive();
      tableOut.flush();
      ndjsonOut.flush();
      jsonOut.flush();
    }
    return ndjsonOut.whenWritable() ?? jsonOut.whenWritable() ?? tableOut.whenWritable();
  };
  const analyzeOptions: AnalyzeOptions = { ports: options.ports ?? [], ...(options.limits ?? {}), onEvent, collect: false, afterChunk };

  try {
    let summary: AnalysisSummary;
    if ((options.via ?? 'parser') === 'parser') {
      const analyzer = new CaptureAnalyzer(analyzeOptions);
      const parser = new CaptureParser(analyzer);
      for (const chunk of chunksOf(input, options.chunkSeed ?? 0)) {
        parser.push(chunk);
        const wait = afterChunk();
        if (wait !== undefined) await wait;
      }
      const capture = parser.end();
      summary = analyzer.finish(capture).summary;
    } else {
      const bytes = options.gzip === true ? gzipSync(input) : input;
      const stream = Readable.from([...chunksOf(bytes, options.chunkSeed ?? 0)], { objectMode: false });
      summary = (await analyzeCapture(stream, analyzeOptions)).summary;
    }
    frames = summary.frames.read;
    table?.end();
    tableOut.write(renderSummary(summary, style));
    json.end(summary);
    textOut.write(renderSummary(summary, makeStyle(true)));
    textOut.write(renderMarkdown('fuzz.pcap', summary, keyEvents, options.lang ?? 'en'));
    await Promise.all([tableOut.close(), ndjsonOut.close(), jsonOut.close(), textOut.close()]);
    const accounting = checkAccounting(summary);
    const ndjsonProblem = ndjsonSink.finishCheck();
    const summaryOnly = await summaryOnlyDifference(input, options, summary);
    if (accounting !== undefined) failure = { kind: 'invariant', message: accounting };
    else if (summaryOnly !== undefined) failure = { kind: 'summary-only', message: summaryOnly };
    else if (ndjsonProblem !== undefined) failure = { kind: 'ndjson', message: ndjsonProblem };
    else if (problem !== undefined) failure = { kind: 'internal', message: problem };
    else if (!jsonSink.overflow) {
      try {
        const doc = JSON.parse(jsonSink.text()) as { events: unknown[]; summary: AnalysisSummary };
        if (doc.events.length !== events) failure = { kind: 'json', message: `JSON document has ${doc.events.length} events, ${events} were emitted` };
      } catch (e) {
        failure = { kind: 'json', message: `JSON document does not parse: ${(e as Error).message}` };
      }
    }
  } catch (e) {
    if (e instanceof CaptureError) {
      outcome = 'fatal';
      fatalCode = e.code;
    } else {
      const err = e instanceof Error ? e : new Error(String(e));
      failure = { kind: 'exception', message: `${err.name}: ${err.message}`, ...(err.stack !== undefined ? { stack: err.stack } : {}) };
    }
  }
  const ms = performance.now() - started;
  const maxRss1 = maxRssMB();
  peak = Math.max(peak, rssMB(), maxRss1 > maxRss0 ? maxRss1 : 0);
  const rssGrowthMB = peak - rss0;
  if (failure === undefined && rssGrowthMB > budgets.memoryMB) {
    failure = { kind: 'memory', message: `resident memory grew by ${rssGrowthMB.toFixed(0)} MB (budget ${budgets.memoryMB} MB)` };
  }
  if (failure === undefined && ms > budgets.timeMs) {
    failure = { kind: 'hang', message: `case took ${ms.toFixed(0)} ms (budget ${budgets.timeMs} ms)` };
  }
  return {
    ok: failure === undefined, ...(failure !== undefined ? { failure } : {}), outcome, ...(fatalCode !== undefined ? { fatalCode } : {}),
    ms, rssGrowthMB, frames, events,
  };
}

/**
 * Runs the summary-only path (summaryOnly, as `--format summary`) over the same input and limits,
 * fed the same way (parser or stream, gzip, chunks), and says where its summary differs from the full path's, or undefined when they are equal.
 */
async function summaryOnlyDifference(input: Buffer, options: RunOptions, full: AnalysisSummary): Promise<string | undefined> {
  const leanOptions: AnalyzeOptions = { ports: options.ports ?? [], ...(options.limits ?? {}), summaryOnly: true, collect: false };
  let lean: AnalysisSummary;
  if ((options.via ?? 'parser') === 'parser') {
    const analyzer = new CaptureAnalyzer(leanOptions);
    const parser = new CaptureParser(analyzer);
    for (const chunk of chunksOf(input, options.chunkSeed ?? 0)) parser.push(chunk);
    lean = analyzer.finish(parser.end()).summary;
  } else {
    const bytes = options.gzip === true ? gzipSync(input) : input;
    lean = (await analyzeCapture(Readable.from([...chunksOf(bytes, options.chunkSeed ?? 0)], { objectMode: false }), leanOptions)).summary;
  }
  if (isDeepStrictEqual(lean, full)) return undefined;
  const a = JSON.stringify(full);
  const b = JSON.stringify(lean);
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `summary-only summary differs from the full one at …${a.slice(Math.max(0, i - 120), i + 120)}… vs …${b.slice(Math.max(0, i - 120), i + 120)}…`;
}

// ---------------------------------------------------------------------------------------------------------------
// Sources and case generation

export interface Source {
  name: string;
  file: string;
  data: Buffer;
  ports: number[];
}

/**
 * Environment variable through which long-run.ts hands its children the exact list of sources it loaded (fixtures
 * may appear while a run goes on; parent and children must agree on what each seed means).
 */
export const SOURCES_ENV = 'MQTT_PCAP_FUZZ_SOURCES';

/** The corpus and fixture captures, read into memory. Gzip-compressed captures are left out. */
export function loadSources(maxBytes = 8 * 1024 * 1024): Source[] {
  const out: Source[] = [];
  const fromEnv = process.env[SOURCES_ENV];
  const list: Array<{ file: string; name: string; ports: number[] }> = fromEnv !== undefined
    ? JSON.parse(fromEnv) as Array<{ file: string; name: string; ports: number[] }>
    : [...corpusCaptures(), ...fixtureCaptures()];
  for (const c of list) {
    let data: Buffer;
    try {
      data = readFileSync(c.file);
    } catch {
      continue;
    }
    if (data.length === 0 || data.length > maxBytes) continue;
    // Compressed sources are mutated decompressed (a mutated gzip stream says little about the pipeline).
    if (data[0] === 0x1f && data[1] === 0x8b) continue;
    out.push({ name: c.name, file: c.file, data, ports: c.ports });
  }
  return out;
}

export interface FuzzCase {
  seed: number;
  source: string;
  mutator: string;
  detail: string;
  data: Buffer;
  options: RunOptions;
}

/** Everything about a case follows from its seed (and the list of sources). */
export function makeCase(sources: readonly Source[], seed: number, mutator?: string): FuzzCase {
  const rng = new Rng(seed);
  const source = rng.pick(sources);
  const donor = rng.pick(sources).data;
  const m = mutate(source.data, rng, { ports: source.ports, donor, ...(mutator !== undefined ? { mutator } : {}) });
  return { seed, source: source.name, mutator: m.mutator, detail: m.detail, data: m.data, options: caseOptions(rng, source.ports) };
}

/** Randomised feeding: chunking, stream vs parser, gzip, small limits, live views. */
export function caseOptions(rng: Rng, ports: number[]): RunOptions {
  const options: RunOptions = { ports };
  const via = rng.chance(0.1) ? 'stream' : 'parser';
  options.via = via;
  if (via === 'stream' && rng.chance(0.3)) options.gzip = true;
  if (rng.chance(0.5)) options.chunkSeed = 1 + rng.int(0x7ffffffe);
  if (rng.chance(0.25)) {
    options.limits = {
      maxPacketBytes: rng.pick([16, 64, 100, 1000, 4096]),
      maxConnections: rng.pick([1, 2, 3, 10]),
      maxBufferedBytesPerStream: rng.pick([1, 10, 100, 1000, 65536]),
      maxBufferedBytesTotal: rng.pick([1, 100, 1000, 100_000]),
    };
  }
  if (rng.chance(0.1)) options.live = true;
  if (rng.chance(0.2)) options.writerChunk = rng.pick([1, 64, 1024]);
  if (rng.chance(0.2)) options.lang = 'id';
  if (rng.chance(0.7)) options.table = false;
  return options;
}

// ---------------------------------------------------------------------------------------------------------------
// Minimisation and regressions

export interface MinimizeOptions {
  /** Runs of the predicate at most. */
  maxAttempts?: number;
  /** Time spent at most (ms). */
  maxMs?: number;
}

/**
 * Shrinks a failing input while `fails` still says true: drops chunks of records (halves, quarters... single
 * records), drops the unparsed tail, then cuts the file shorter. Bounded by attempts and time.
 */
export async function minimize(input: Buffer, ports: readonly number[], fails: (candidate: Buffer) => Promise<boolean>,
  options: MinimizeOptions = {}): Promise<Buffer> {
  const maxAttempts = options.maxAttempts ?? 150;
  const deadline = Date.now() + (options.maxMs ?? 20_000);
  let attempts = 0;
  let best = input;
  const tryIt = async (candidate: Buffer): Promise<boolean> => {
    if (attempts >= maxAttempts || Date.now() > deadline || candidate.length >= best.length || candidate.length === 0) return false;
    attempts++;
    if (await fails(candidate)) {
      best = candidate;
      return true;
    }
    return false;
  };
  const budgetLeft = (): boolean => attempts < maxAttempts && Date.now() <= deadline;

  // 1. Drop the bytes after the last record that parses.
  let layout = parseLayout(best, ports);
  if (layout.tail > 0) await tryIt(Buffer.from(best.subarray(0, best.length - layout.tail)));

  // 2. Delta debugging over records.
  layout = parseLayout(best, ports);
  let chunk = Math.max(1, layout.records.length >> 1);
  while (chunk >= 1 && budgetLeft()) {
    let changed = false;
    layout = parseLayout(best, ports);
    for (let start = 0; start < layout.records.length && budgetLeft(); start += chunk) {
      const recs = layout.records;
      const keep = [...recs.slice(0, start), ...recs.slice(start + chunk)];
      if (keep.length === recs.length) continue;
      const parts = [best.subarray(0, layout.headerEnd), ...keep.map((r) => best.subarray(r.offset, r.end))];
      if (layout.tail > 0) parts.push(best.subarray(best.length - layout.tail));
      if (await tryIt(Buffer.concat(parts))) {
        changed = true;
        layout = parseLayout(best, ports);
        start -= chunk;
      }
    }
    if (!changed) chunk >>= 1;
  }

  // 3. Cut the end: binary search for a short prefix that still fails (not monotonic, so only a heuristic).
  let lo = 1;
  let hi = best.length;
  while (lo < hi && budgetLeft()) {
    const mid = (lo + hi) >> 1;
    if (await tryIt(Buffer.from(best.subarray(0, mid)))) hi = best.length;
    else lo = mid + 1;
  }
  return best;
}

export interface RegressionInfo {
  seed: number;
  mutator: string;
  source: string;
  detail: string;
  failure: Failure;
  options: RunOptions;
  originalBytes: number;
  minimizedBytes: number;
  /** Filled in once the bug is fixed. */
  fixed?: string;
}

/** Writes `<seed>-<mutator>.pcap` (the failing input) and its `.json` into the regressions folder. */
export function saveRegression(info: RegressionInfo, data: Buffer, dir = REGRESSIONS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `${info.seed}-${info.mutator}`);
  writeFileSync(`${base}.pcap`, data);
  writeFileSync(`${base}.json`, `${JSON.stringify(info, null, 2)}\n`);
  return `${base}.pcap`;
}

export interface Regression {
  file: string;
  data: Buffer;
  info: Partial<RegressionInfo>;
}

export function loadRegressions(dir = REGRESSIONS_DIR): Regression[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.pcap')).sort().map((f) => {
    const file = path.join(dir, f);
    const meta = file.replace(/\.pcap$/, '.json');
    const info = existsSync(meta) ? (JSON.parse(readFileSync(meta, 'utf8')) as Partial<RegressionInfo>) : {};
    return { file, data: readFileSync(file), info };
  });
}

/** True when two failures are "the same bug" for minimisation purposes. */
export function sameFailure(a: Failure, b: Failure | undefined): boolean {
  if (b === undefined || a.kind !== b.kind) return false;
  if (a.kind !== 'exception') return true;
  // Same exception type and the same first line of the stack inside src/.
  const where = (f: Failure): string => (f.stack ?? '').split('\n').find((l) => l.includes('/src/')) ?? f.message;
  return a.message.split(':')[0] === b.message.split(':')[0] && where(a) === where(b);
}

// ---------------------------------------------------------------------------------------------------------------
// Adversarial scenarios built in code (run in a child with a small heap by test/fuzz.test.ts: long-run.js --scenario)

export interface Scenario {
  description: string;
  options: AnalyzeOptions;
  /** The capture, streamed in chunks (never whole in memory). */
  input(): Iterable<Buffer>;
}

export interface ScenarioResult {
  name: string;
  ms: number;
  frames: number;
  /** Findings by code, and other events by "layer:type". */
  findings: Record<string, number>;
  events: Record<string, number>;
  invariant?: string;
  /** Largest RSS growth seen while the scenario ran, and the live heap after a final GC (when gc is exposed). */
  peakRssGrowthMB: number;
  heapAfterGcMB?: number;
  error?: string;
}

function conversation(i = 0): Conversation {
  return new Conversation({ ip: ipOf(i + 1), port: 40000 + (i % 20000) }, { ip: '10.255.0.2', port: 1883 });
}

export const SCENARIOS: Record<string, Scenario> = {
  'publish-256mb': {
    description: 'one PUBLISH declaring a 256 MB body (Remaining Length ff ff ff 7f) sent in 65 000-byte segments, then a PINGREQ',
    options: {},
    input: () => pcapStream((function* () {
      const c = conversation();
      yield* c.handshake();
      yield c.clientData(mqttConnect('big'));
      const head = mqttPublishHead('big/topic', 0x0fffffff - 11);
      yield c.clientData(head);
      let left = 0x0fffffff + 5 - head.length;
      const seg = Buffer.alloc(65_000, 0x61);
      while (left > 0) {
        const n = Math.min(left, seg.length);
        yield c.clientData(n === seg.length ? seg : seg.subarray(0, n));
        left -= n;
      }
      yield c.clientData(PINGREQ);
    })()),
  },
  'ooo-flood': {
    description: 'one connection: a hole, then 300 000 one-byte segments in descending order, then 2000 segments of 1000 bytes',
    options: {},
    input: () => pcapStream((function* () {
      const c = conversation();
      yield* c.handshake();
      yield c.clientData(mqttConnect('ooo'));
      const base = (c.clientSeq + 1000) >>> 0;
      const one = Buffer.from([0x41]);
      const n = 300_000;
      for (let i = n - 1; i >= 0; i--) yield c.fromClient(TCP_ACK, one, (base + i) >>> 0, c.serverSeq);
      const kilo = Buffer.alloc(1000, 0x42);
      for (let i = 0; i < 2000; i++) yield c.fromClient(TCP_ACK, kilo, (base + n + 10 + i * 1000) >>> 0, c.serverSeq);
    })()),
  },
  'ooo-flood-many': {
    description: '200 connections, each with a hole and then 2500 one-byte out-of-order segments, interleaved (the shared budget)',
    options: {},
    input: () => pcapStream((function* () {
      const cs: Conversation[] = [];
      for (let i = 0; i < 200; i++) {
        const c = conversation(i);
        cs.push(c);
        yield* c.handshake();
      }
      const one = Buffer.from([0x41]);
      for (let k = 0; k < 2500; k++) for (const c of cs) yield c.fromClient(TCP_ACK, one, (c.clientSeq + 1000 + k) >>> 0, c.serverSeq);
    })()),
  },
  'syn-flood': {
    description: '200 000 SYNs from distinct addresses and ports to port 1883, with maxConnections 1000',
    options: { maxConnections: 1000 },
    input: () => pcapStream((function* () {
      for (let i = 0; i < 200_000; i++) {
        yield {
          time: 1_700_000_000 + i * 1e-5,
          data: tcpFrame({ srcIp: ipOf(i >> 14), dstIp: '10.255.0.1', srcPort: 1024 + (i & 0x3fff), dstPort: 1883, seq: Math.imul(i, 7919) >>> 0, flags: TCP_SYN }),
        };
      }
    })()),
  },
  'pcapng-4gb-block': {
    description: 'pcapng: two good packets, then an Enhanced Packet Block whose length fields claim 0xfffffffc bytes',
    options: {},
    input: () => {
      const c = conversation();
      const [syn, synAck] = c.handshake();
      return [Buffer.concat([pcapngShb(), pcapngIdb(), pcapngEpb(syn!.data, syn!.time), pcapngEpb(synAck!.data, synAck!.time),
        pcapngBlock(6, Buffer.alloc(64, 0x55), 0xfffffffc), Buffer.alloc(4096, 0x66)])];
    },
  },
  'pcapng-64mb-block-cut': {
    description: 'pcapng: a packet block claiming just under the 64 MiB block cap, and the file ends 100 bytes later',
    options: {},
    input: () => {
      const c = conversation();
      const [syn] = c.handshake();
      return [Buffer.concat([pcapngShb(), pcapngIdb(), pcapngEpb(syn!.data, syn!.time), pcapngBlock(6, Buffer.alloc(88, 0x55), 64 * 1024 * 1024 - 4)])];
    },
  },
  'pcap-256mb-record-cut': {
    description: 'classic pcap with snaplen 0x7fffffff: a record claiming 256 MB minus one byte, and the file ends',
    options: {},
    input: () => {
      const head = pcapHeader(1, 0x7fffffff);
      const rec = Buffer.alloc(16 + 100);
      rec.writeUInt32LE(256 * 1024 * 1024 - 1, 8);
      rec.writeUInt32LE(256 * 1024 * 1024 - 1, 12);
      return [Buffer.concat([head, rec])];
    },
  },
  'big-packet-small-segments': {
    description: 'a PUBLISH just under the 1 MiB packet cap, sent in 100-byte segments (10 000 of them), then a PINGREQ',
    options: {},
    input: () => pcapStream((function* () {
      const c = conversation();
      yield* c.handshake();
      yield c.clientData(mqttConnect('slow'));
      const all = Buffer.concat([mqttPublishHead('t', 1_000_000), Buffer.alloc(1_000_000, 0x62)]);
      for (let o = 0; o < all.length; o += 100) yield c.clientData(all.subarray(o, Math.min(all.length, o + 100)));
      yield c.clientData(PINGREQ);
    })()),
  },
};

/** Runs one scenario through the analyzer (no views: the event volume is the point). */
export async function runScenario(name: string): Promise<ScenarioResult> {
  const scenario = SCENARIOS[name];
  if (scenario === undefined) throw new Error(`unknown scenario ${name}`);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rss0 = rssMB();
  let peak = rss0;
  const findings: Record<string, number> = {};
  const events: Record<string, number> = {};
  let n = 0;
  const started = performance.now();
  const result: ScenarioResult = { name, ms: 0, frames: 0, findings, events, peakRssGrowthMB: 0 };
  try {
    const analysis = await analyzeCapture(Readable.from(scenario.input(), { objectMode: false }), {
      ...scenario.options,
      collect: false,
      onEvent: (e) => {
        if ((++n & 0x3fff) === 0) peak = Math.max(peak, rssMB());
        if (e.type === 'finding') {
          const code = (e as { code: string }).code;
          findings[code] = (findings[code] ?? 0) + 1;
        } else events[`${e.layer}:${e.type}`] = (events[`${e.layer}:${e.type}`] ?? 0) + 1;
      },
    });
    result.frames = analysis.summary.frames.read;
    // Repeated findings reach onEvent folded (src/analysis/finding-fold.ts): the summary counts every one.
    Object.assign(findings, analysis.summary.findings.byCode);
    const broken = checkAccounting(analysis.summary);
    if (broken !== undefined) result.invariant = broken;
  } catch (e) {
    result.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  result.ms = Math.round(performance.now() - started);
  peak = Math.max(peak, rssMB());
  result.peakRssGrowthMB = Math.round(peak - rss0);
  if (gc !== undefined) {
    gc();
    result.heapAfterGcMB = Math.round(process.memoryUsage().heapUsed / (1024 * 1024));
  }
  return result;
}
