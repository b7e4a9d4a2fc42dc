/**
 * The hand-built NDJSON line (src/views/ndjson-line.ts) is byte for byte `jsonStringify(event)` and a newline: for
 * every event of every fixture and corpus capture (diagnosis findings included, as `analyze` emits them), for strings
 * holding every UTF-16 code unit, for numbers of every form, and for values JSON.stringify treats specially.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { analyzeCapture } from '../src/pipeline/analyze.js';
import { DiagnosisStage } from '../src/diagnosis/stage.js';
import type { TimelineEvent } from '../src/model/events.js';
import { isJsonExtraEscape, jsonStringify } from '../src/views/escape.js';
import { NdjsonLineWriter } from '../src/views/ndjson-line.js';
import { corpusCaptures, corpusMissing, fixtureCaptures, type CaptureCase } from './helpers/corpus.js';

const writer = new NdjsonLineWriter();

function line(value: unknown): string {
  const length = writer.line(value as TimelineEvent);
  return Buffer.from(writer.buffer.subarray(0, length)).toString('utf8');
}

/** What the NDJSON view wrote before: the line as a string, encoded by Buffer.write. */
function expected(value: unknown): string {
  return Buffer.from(`${jsonStringify(value)}\n`).toString('utf8');
}

async function compareEvents(c: CaptureCase): Promise<number> {
  const keys = c.file.replace(/\.(pcapng|pcap)(\.gz)?$/, '.keys');
  const events: TimelineEvent[] = [];
  await analyzeCapture(c.file, {
    ports: c.ports,
    ...(keys !== c.file && existsSync(keys) ? { keyLog: keys } : {}),
    stages: [new DiagnosisStage()],
    onEvent: (e) => events.push(e),
  }).catch(() => undefined); // an unreadable capture writes no events
  for (const event of events) {
    const want = expected(event);
    const got = line(event);
    if (got !== want) assert.equal(got, want, `${c.name} frame ${event.frame} ${event.kind} ${event.type}`);
  }
  return events.length;
}

test('every event of every fixture: the line is jsonStringify(event)', async () => {
  let events = 0;
  for (const c of fixtureCaptures()) events += await compareEvents(c);
  assert.ok(events > 1000, `only ${events} events compared`);
});

test('every event of every corpus capture: the line is jsonStringify(event)', { skip: corpusMissing }, async () => {
  let events = 0;
  for (const c of corpusCaptures()) events += await compareEvents(c);
  assert.ok(events > 1000, `only ${events} events compared`);
});

test('isJsonExtraEscape is the set of code units jsonStringify escapes beyond JSON.stringify', () => {
  for (let code = 0; code < 0x10000; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const text = String.fromCharCode(code);
    assert.equal(isJsonExtraEscape(code), jsonStringify(text) !== JSON.stringify(text), `U+${code.toString(16)}`);
  }
});

test('strings: every code unit, alone, among text, surrogate pairs and lone surrogates', () => {
  for (let code = 0; code < 0x10000; code++) {
    const c = String.fromCharCode(code);
    for (const text of [c, `a${c}b`, `${c}${'x'.repeat(30)}`, `${'x'.repeat(30)}${c}`]) {
      const event = { summary: text };
      assert.equal(line(event), expected(event), `U+${code.toString(16)} in ${JSON.stringify(text)}`);
    }
  }
  const texts = ['\ud83d\ude00', 'a\ud83d\ude00b', '\ud83d', '\ude00', '\ude00\ud83d', 'x\ud83d', '\ud83d\ud83d\ude00',
    `${'é'.repeat(40)}\ud83d`, `${'→'.repeat(40)}`, `${'"'.repeat(40)}`, '', '\u2028\u2029\u202e\ufeff\u00ad'];
  for (const text of texts) {
    const event = { topic: text, summary: text, list: [text, text] };
    assert.equal(line(event), expected(event), JSON.stringify(text));
  }
});

test('numbers: integers, microsecond times, other doubles, -0, non-finite', () => {
  const values = [0, -0, 1, -1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1, 2 ** 53, 2 ** 60, 1e21, 1e-7, 1e-6, 5e-324,
    0.1 + 0.2, 5.081357, 5.728999999999651, 999999999.999999, 1e9, -123.000001, NaN, Infinity, -Infinity];
  // Every digit count, at its boundaries (integers are written from their last digit back, after counting digits).
  for (let power = 1; power <= 1e16; power *= 10) values.push(power - 1, power, power + 1, power + 0.5, power * 2 + 1);
  let seed = 1;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < 20000; i++) {
    const scale = [1, 1e3, 1e6, 1e9, 1e12][i % 5]!;
    values.push(Math.round(random() * scale * 1e6) / 1e6, -Math.round(random() * scale * 1e3) / 1e3, random() * scale);
  }
  for (const value of values) {
    const event = { time: value, list: [value] };
    assert.equal(line(event), expected(event), String(value));
  }
});

test('values JSON.stringify treats specially: as jsonStringify writes them, nothing dropped', () => {
  const cases: unknown[] = [
    { kind: 'packet', added: 'a field no serialiser knows', nested: { deeper: [1, 'two', null, true] } },
    { a: undefined, b: 1, c: [undefined, 2] },
    { when: new Date(0) },
    { own: { toJSON: () => 'replaced' } },
    { f: () => 1, s: Symbol('x'), n: null },
    { list: [() => 1] },
    { map: new Map([[1, 2]]), set: new Set([1]) },
    { bare: Object.assign(Object.create(null) as object, { a: 1 }) },
    { '"quoted key"\n': 1, '1': 'integer key first', z: 2 },
    { deep: JSON.parse(`${'['.repeat(40)}1${']'.repeat(40)}`) as unknown },
  ];
  for (const value of cases) assert.equal(line(value), expected(value), jsonStringify(value));
  assert.throws(() => line({ big: 1n }), TypeError);
});

test('a line longer than the buffer grows it, and the next line is right', () => {
  const long = { payload: { text: `${'\u0001'.repeat(100_000)}${'→'.repeat(100_000)}` } };
  assert.equal(line(long), expected(long));
  const short = { frame: 1 };
  assert.equal(line(short), expected(short));
});
