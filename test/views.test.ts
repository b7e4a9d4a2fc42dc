/**
 * What the views show, against tshark on real captures: ICMPv6 rows named as tshark's packet list names them
 * (fixtures/icmpv6.pcap, recorded by fixtures/lab/icmpv6.sh: duplicate address detection, MLDv2 reports, router
 * solicitations, neighbour discovery, echo, port unreachable); topics with messages published and copies delivered
 * apart and a rate only over a meaningful span; the summary fitting COLUMNS without cutting a word; the table's
 * one-pass cell check giving exactly what the general escaping and measuring give; its time cell exactly toFixed(6);
 * TCP flag names a fresh array per event; the table's own UTF-8 encoder byte for byte Buffer's.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import { fitColumns, displayWidth, longestWord } from '../src/views/text-layout.js';
import { CellText, fixed6, plainCellWidth } from '../src/views/cell-text.js';
import { flagNames, sharedFlagNames } from '../src/analysis/tcp-events.js';
import { putUtf8 } from '../src/views/table.js';
import { tableCell } from '../src/views/style.js';
import { formatMs } from '../src/model/names.js';
import { corpusDir, fixturesDir, repoRoot } from './helpers/corpus.js';
import { tsharkMissing, tsharkRecords } from './helpers/tshark.js';

const ICMPV6 = path.join(fixturesDir, 'icmpv6.pcap');

/** tshark's single-pass Info without what only request/reply pairing adds ("(request in 17)"). */
function tsharkInfo(info: string): string {
  return info.replace(/ \((?:request|reply) in \d+\)$/, '').replace(/ \(no response found!\)$/, '');
}

test('ICMPv6 rows say what tshark\'s Info column says (type names, targets, flags, link-layer addresses, echo, codes)', { skip: tsharkMissing }, async () => {
  const files = [ICMPV6, path.join(fixturesDir, 'ipv6.pcap'), path.join(corpusDir, 'arkime', 'arkime_synthetic.pcap')].filter((f) => existsSync(f));
  const typesSeen = new Set<string>();
  for (const file of files) {
    const theirs = tsharkRecords(file, ['frame.number', 'icmpv6.type', '_ws.col.Info'], ['-Y', 'icmpv6']);
    assert.ok(theirs.length > 0, `${file}: tshark sees ICMPv6`);
    const { events } = await analyzeCapture(file);
    const ours = new Map(events.filter((e) => e.kind === 'packet' && e.type === 'icmpv6').map((e) => [e.frame, e.summary]));
    assert.equal(ours.size, theirs.length, `${file}: one ICMPv6 row per ICMPv6 frame`);
    for (const r of theirs) {
      assert.equal(ours.get(Number(r['frame.number'])), tsharkInfo(r['_ws.col.Info']!), `${path.basename(file)} frame ${r['frame.number']}`);
      typesSeen.add(r['icmpv6.type']!);
    }
  }
  // The fixture covers the messages a Linux host sends: DAD/ND (135, 136), MLDv2 (143), RS (133), echo (128, 129),
  // Destination Unreachable (1).
  for (const type of ['1', '128', '129', '133', '135', '136', '143']) assert.ok(typesSeen.has(type), `ICMPv6 type ${type} compared`);
});

/** tshark's PUBLISH packets of a capture: time, destination address, topic. */
function tsharkPublishes(file: string): Array<{ time: number; dst: string; topic: string }> {
  return tsharkRecords(file, ['frame.time_relative', 'ip.dst', 'mqtt.topic'], ['-Y', 'mqtt.msgtype==3'])
    .map((r) => ({ time: Number(r['frame.time_relative']), dst: r['ip.dst']!, topic: r['mqtt.topic']! }));
}

test('topics: messages published to the broker and copies delivered counted apart, as tshark counts them by destination', { skip: tsharkMissing }, async () => {
  // reqresp: 5 readings, each forwarded to the one subscriber; fault-broker-stopped and fault-qos-unacked: fan-out to
  // two subscriptions; qos-mqtt5: several topics.
  for (const name of ['reqresp.pcap', 'faults/fault-broker-stopped.pcap', 'faults/fault-qos-unacked.pcap', 'qos-mqtt5.pcap']) {
    const file = path.join(fixturesDir, name);
    const { summary } = await analyzeCapture(file);
    const brokers = new Set(summary.mqtt.sessions.map((s) => s.server.replace(/:\d+$/, '')));
    const theirs = tsharkPublishes(file);
    assert.ok(summary.mqtt.topics.length > 0, name);
    for (const t of summary.mqtt.topics) {
      const mine = theirs.filter((p) => p.topic === t.topic);
      const published = mine.filter((p) => brokers.has(p.dst));
      assert.equal(t.published, published.length, `${name} ${t.topic}: published`);
      assert.equal(t.delivered, mine.length - published.length, `${name} ${t.topic}: delivered`);
      assert.equal(t.messages, t.published + t.delivered, `${name} ${t.topic}: messages`);
      const span = published.length > 0 ? published.at(-1)!.time - published[0]!.time : 0;
      if (published.length >= 2 && span >= 1) {
        assert.equal(t.rate?.of, 'published', `${name} ${t.topic}`);
        assert.ok(Math.abs(t.rate.perSecond - (published.length - 1) / span) < 1e-6, `${name} ${t.topic}: ${t.rate.perSecond}`);
      } else if (published.length > 0) {
        assert.equal(t.rate, undefined, `${name} ${t.topic}: no rate over ${published.length} message(s) in ${span} s`);
      }
    }
  }
  const { summary } = await analyzeCapture(path.join(fixturesDir, 'reqresp.pcap'));
  const temp = summary.mqtt.topics.find((t) => t.topic === 'sister/temp')!;
  assert.deepEqual([temp.published, temp.delivered, temp.rate?.messages], [5, 5, 5]);
});

const CLI = path.join(repoRoot, 'dist/src/cli/main.js');

function summaryText(file: string, columns: number | undefined): string {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  if (columns === undefined) delete env.COLUMNS;
  else env.COLUMNS = String(columns);
  const r = spawnSync(process.execPath, [CLI, 'analyze', file, '-f', 'summary'], { encoding: 'utf8', env, input: '' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** The words of a text output (box-drawing characters are not words). */
function words(text: string): string[] {
  return text.split(/[\s│┌┐└┘├┤┬┴┼─]+/).filter((w) => w !== '');
}

test('the summary fits COLUMNS (60, 80, 120): every line within it, no word cut; piped, nothing wraps', () => {
  for (const name of ['reqresp.pcap', 'qos-mqtt5.pcap', 'lifecycle.pcap', 'faults/fault-topic-typo.pcap', 'faults/fault-qos-unacked.pcap']) {
    const file = path.join(fixturesDir, name);
    const piped = summaryText(file, undefined);
    assert.equal(summaryText(file, 1000), piped, `${name}: a terminal wide enough shows what a pipe gets`);
    const pipedWords = new Set(words(piped));
    for (const columns of [60, 80, 120]) {
      const text = summaryText(file, columns);
      for (const line of text.split('\n')) assert.ok(displayWidth(line) <= columns, `${name} COLUMNS=${columns}: ${displayWidth(line)}: ${line}`);
      const wrapped = new Set(words(text));
      for (const word of pipedWords) {
        if (word.length <= 30) assert.ok(wrapped.has(word), `${name} COLUMNS=${columns}: "${word}" cut`);
      }
    }
  }
  // Piped, the tables are cli-table3's plain rows: the sessions table of reqresp on one line per session.
  assert.match(summaryText(path.join(fixturesDir, 'reqresp.pcap'), undefined), /│ 0 +│ 172\.18\.0\.3:\d+ +│ lab-sub +│ 3\.1\.1 +│ 60s +│ yes +│/);
});

test('column fitting: narrowest at the widest word, widest columns narrowed first, undefined when words cannot fit', () => {
  assert.deepEqual(fitColumns([10, 30, 5], [4, 8, 5], 45), [10, 30, 5]);
  assert.deepEqual(fitColumns([10, 30, 5], [4, 8, 5], 35), [10, 20, 5]);
  assert.deepEqual(fitColumns([10, 30, 5], [4, 8, 5], 20), [7, 8, 5]);
  assert.equal(fitColumns([10, 30, 5], [4, 8, 5], 16), undefined);
  assert.equal(longestWord('Handshake RTT ms'), 9);
});

test('table cells: the one-pass check gives exactly what tableCell and displayWidth give (capture text and hostile text)', async () => {
  const texts = new Set<string>([
    'plain ASCII', '', 'tab\there', 'line\nbreak', 'cr\r', 'esc \u001b[31m', 'del \u007f', 'c1 \u0085', 'soft\u00adhyphen',
    'bidi \u202e evil', 'arabic mark \u061c', 'zero\u200bwidth', 'word\u2060joiner', '\u2065 unassigned', 'bom \ufeff',
    'isolate \u2066x\u2069', 'mongolian \u180e', 'lone \ud800 high', 'lone \udc00 low', 'pair \ud83d\ude00 emoji',
    '34822 → 1883 [ACK] — handshake', 'CJK 温度 센서', 'combining e\u0301', 'latin-1 café ÿ', 'x'.repeat(2048), 'y'.repeat(2049),
    `${'é'.repeat(2047)}温`, `${'a'.repeat(2047)}\ud83d\ude00`,
  ]);
  for (const fixture of ['lifecycle.pcap', 'icmpv6.pcap', 'qos-mqtt5.pcap']) {
    const { events } = await analyzeCapture(path.join(fixturesDir, fixture));
    for (const e of events) {
      texts.add(e.summary);
      texts.add(e.src);
      texts.add(e.dst);
    }
  }
  const cells = new CellText(2048);
  let plain = 0;
  for (const text of texts) {
    const expected = tableCell(text, 2048, 2048);
    const width = plainCellWidth(text, 2048);
    if (width >= 0) {
      plain++;
      assert.equal(expected, text, `kept as it is but tableCell changes it: ${JSON.stringify(text)}`);
      assert.equal(width, displayWidth(text), JSON.stringify(text));
    }
    assert.equal(cells.clean(text), expected, JSON.stringify(text));
    assert.equal(cells.width, displayWidth(expected), JSON.stringify(text));
    assert.equal(cells.address(text), expected, JSON.stringify(text));
    assert.equal(cells.width, displayWidth(expected), JSON.stringify(text));
  }
  assert.ok(plain > texts.size / 2, `most capture text takes the one-pass way (${plain} of ${texts.size})`);
  for (const hostile of ['tab\there', 'esc \u001b[31m', 'bidi \u202e evil', 'lone \ud800 high', 'y'.repeat(2049)]) {
    assert.equal(plainCellWidth(hostile, 2048), -1, JSON.stringify(hostile));
  }
});

test('the table\'s time cell is exactly toFixed(6): capture times, ties, edges and 400 000 seeded values', async () => {
  const times = new Set<number>([0, -0, 1e-7, 4.999999e-7, 5e-7, 5.000001e-7, 1.0000005, 2.5e-6, 0.1, 0.3, 9999999.9999995,
    1e7 - 1e-6, 1e7, 1e7 + 0.5, 1e21, -1e-9, -1, -0.0000005, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER / 1e6]);
  for (const fixture of ['reqresp.pcap', 'reqresp-ns.pcap', 'lifecycle.pcap']) {
    const { events } = await analyzeCapture(path.join(fixturesDir, fixture));
    for (const e of events) times.add(e.time);
  }
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < 100_000; i++) {
    const ns = Math.floor(random() * 1e13);
    times.add(ns / 1e9); // a nanosecond capture's times
    times.add((ns - (ns % 1000) + 500) / 1e9); // exactly half a microsecond: toFixed's rule decides
    times.add(Math.floor(random() * 1e12) / 1e6); // a microsecond capture's
    times.add(random() * 1e7);
  }
  for (const t of times) assert.equal(fixed6(t), t.toFixed(6), String(t));
});

test('formatMs: the same text as toFixed(3) below 10 ms and toFixed(1) above, on latencies and ties', () => {
  let seed = 777;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const values = [0, -0, 0.0005, 0.0015, 9.9995, 9.99949, 10, 10.05, 10.15, 99.95, 1e6 + 0.05, 1e8, 1e9, -1.5, NaN, Infinity];
  for (let i = 0; i < 100_000; i++) {
    // Latencies as the pipeline computes them: differences of capture times (µs and ns), in milliseconds.
    const a = Math.floor(random() * 1e12) / 1e6;
    const b = a + Math.floor(random() * 1e7) / 1e6;
    values.push((b - a) * 1000);
    const an = Math.floor(random() * 1e13) / 1e9;
    values.push((an + Math.floor(random() * 1e9) / 1e9 - an) * 1000);
    values.push(Math.floor(random() * 1e7) / 1e3 + 0.0005, Math.floor(random() * 1e5) / 10 + 0.05, random() * 20, random() * 1e6);
  }
  for (const v of values) assert.equal(formatMs(v), v < 10 ? v.toFixed(3) : v.toFixed(1), String(v));
});

test('TCP flag names: a new array per call, in Wireshark\'s order; the shared ones frozen', () => {
  assert.deepEqual(flagNames(0x12), ['SYN', 'ACK']);
  assert.deepEqual(flagNames(0x1ff), ['SYN', 'FIN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR']);
  assert.deepEqual(flagNames(0), []);
  const a = flagNames(0x18);
  const b = flagNames(0x18);
  assert.notEqual(a, b);
  a.push('changed');
  assert.deepEqual(flagNames(0x18), ['PSH', 'ACK']);
  assert.ok(!Object.isFrozen(b));
  assert.ok(Object.isFrozen(sharedFlagNames(0x18)));
  assert.deepEqual(sharedFlagNames(0x18), ['PSH', 'ACK']);
});

test('the table\'s rows encoded by hand are Buffer\'s UTF-8 byte for byte (capture text, hostile text, lone surrogates)', async () => {
  const texts = ['', 'plain', '│ 34822 → 1883 [ACK] — ok', 'café ÿ \u07ff \u0800 \uffff', '温度 센서', 'pair \ud83d\ude00 end',
    'lone \ud800 high', 'lone \udc00 low', 'end high \udbff', '\udfff\ud800 reversed', '\u001b[32mMQTT\u001b[39m', '\u0000\u007f\u0080'];
  for (const fixture of ['lifecycle.pcap', 'qos-mqtt5.pcap', 'websocket.pcap']) {
    const { events } = await analyzeCapture(path.join(fixturesDir, fixture));
    for (const e of events) texts.push(e.summary, e.src, e.dst);
  }
  let seed = 7;
  for (let i = 0; i < 20_000; i++) {
    let text = '';
    for (let j = 0; j < 12; j++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      text += String.fromCharCode(seed % 5 === 0 ? 0xd800 + (seed % 0x800) : seed % 0x10000);
    }
    texts.push(text);
  }
  const bytes = new Uint8Array(3 * 4096 + 8);
  for (const text of texts) {
    const end = putUtf8(bytes, 4, text);
    assert.deepEqual(Buffer.from(bytes.subarray(4, end)), Buffer.from(text), JSON.stringify(text));
  }
});
