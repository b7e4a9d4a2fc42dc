/**
 * pcapng Decryption Secrets Blocks (DSB): the lab's TLS captures with their key logs embedded by
 * `editcap --inject-secrets tls,KEYS` (fixtures/tls-12-dsb.pcapng, tls-13-dsb.pcapng, made by fixtures/lab/capture.sh
 * --only tls-dsb) are decrypted with no --keylog, every MQTT message at tshark's frame (tshark too reads the DSB with no
 * `-o tls.keylog_file`). A DSB is merged with a --keylog file, applies from where it is in the file, never changes the
 * caller's KeyLog, is charged to the memory budget, and its secrets reach no output.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { analyzeCapture, KeyLog } from '../src/index.js';
import type { FindingEvent, MqttEvent, TimelineEvent } from '../src/index.js';
import { CaptureParser, DecryptionSecrets, SECRETS_TLS_KEY_LOG, type CaptureFrame, type CaptureNotice } from '../src/capture/index.js';
import { fixturesDir } from './helpers/corpus.js';
import { tsharkMissing, tsharkMqtt } from './helpers/tshark.js';

const fixture = (name: string): string => path.join(fixturesDir, name);
const tmp = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-dsb-'));
const skip = tsharkMissing ?? false;

type Row = string;
const row = (frame: number, msgtype: number, topic: string | undefined, id: number | undefined): Row =>
  `${frame} ${msgtype} ${topic ?? '-'} ${id ?? '-'}`;
const mqttEvents = (events: TimelineEvent[]): MqttEvent[] => events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt');
const findings = (events: TimelineEvent[], code: string): FindingEvent[] =>
  events.filter((e): e is FindingEvent => e.kind === 'finding' && e.code === code);
function ours(events: TimelineEvent[]): Row[] {
  return mqttEvents(events).map((e) => row(e.frame, e.msgtype,
    e.topic ?? (e.subscriptions?.map((s) => s.topic) ?? e.unsubscriptions)?.join(','), e.packetId));
}
/** tshark's MQTT messages with `extra` options; `ports`: MQTT-over-TLS ports besides 8883 (decode-as only, no key log). */
function tshark(file: string, ports: readonly number[], extra: string[] = []): Row[] {
  const decodeAs = ports.flatMap((p) => ['-d', `tcp.port==${p},tls`, '-d', `tls.port==${p},mqtt`]);
  return tsharkMqtt(file, [], [...extra, ...decodeAs]).map((m) => row(m.frame, m.msgtype, m.topic, m.msgid));
}

/** The blocks of a little-endian pcapng file (as editcap writes on this machine). */
function blocks(file: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < file.length;) {
    const total = file.readUInt32LE(off + 4);
    out.push(file.subarray(off, off + total));
    off += total;
  }
  return out;
}
const BT_EPB = 6;
const BT_DSB = 0xa;
/** A little-endian Decryption Secrets Block. */
function dsb(type: number, secrets: Buffer, claimed = secrets.length): Buffer {
  const padded = Buffer.alloc((secrets.length + 3) & ~3);
  secrets.copy(padded);
  const total = 20 + padded.length;
  const b = Buffer.alloc(total);
  b.writeUInt32LE(BT_DSB, 0);
  b.writeUInt32LE(total, 4);
  b.writeUInt32LE(type, 8);
  b.writeUInt32LE(claimed, 12);
  padded.copy(b, 16);
  b.writeUInt32LE(total, total - 4);
  return b;
}
/** tls-13.pcap as pcapng (tls-13-dsb.pcapng without its DSB), with `insert` blocks placed before frame `before`. */
function tls13With(insert: Buffer[], before = 1): Buffer {
  const all = blocks(readFileSync(fixture('tls-13-dsb.pcapng'))).filter((b) => b.readUInt32LE(0) !== BT_DSB);
  const out: Buffer[] = [];
  let frame = 0;
  for (const b of all) {
    if (b.readUInt32LE(0) === BT_EPB && ++frame === before) out.push(...insert);
    out.push(b);
  }
  return Buffer.concat(out);
}
/** Every frame's time and bytes, as the capture reader delivers them. */
function framesOf(file: string): string[] {
  const out: string[] = [];
  const parser = new CaptureParser({ frame: (f) => { out.push(`${f.frame} ${f.tsSec}.${f.tsNsec} ${f.originalLength} ${f.data.toString('hex')}`); }, notice: () => undefined });
  parser.push(readFileSync(file));
  parser.end();
  return out;
}
const write = (name: string, bytes: Buffer | string): string => {
  const file = path.join(tmp, name);
  writeFileSync(file, bytes);
  return file;
};

const keyText13 = readFileSync(fixture('tls-13.keys'), 'latin1');
/** Each key log line with its client random. */
const keyLines13 = keyText13.split('\n').filter((l) => /^\S+ [0-9a-f]{64} /.test(l));
const randoms13 = [...new Set(keyLines13.map((l) => l.split(' ')[1]!))];

for (const [name, ports] of [['tls-12', [8887]], ['tls-13', [8884, 8885]]] as const) {
  test(`${name}-dsb.pcapng: decrypted with no --keylog, every MQTT message at tshark's frame`, { skip }, async () => {
    const file = fixture(`${name}-dsb.pcapng`);
    // tshark reads the DSB by itself: no tls.keylog_file, only decode-as for the TLS ports besides 8883.
    const expected = tshark(file, ports);
    assert.ok(expected.length >= 30, `tshark decrypted only ${expected.length} MQTT messages`);
    // The same messages as the original capture with its key log given, in tshark and in ours.
    assert.deepEqual(expected, tshark(fixture(`${name}.pcap`), ports, ['-o', `tls.keylog_file:${fixture(`${name}.keys`)}`]));
    const analysis = await analyzeCapture(file);
    assert.deepEqual(ours(analysis.events), expected);
    assert.deepEqual(ours(analysis.events), ours((await analyzeCapture(fixture(`${name}.pcap`), { keyLog: fixture(`${name}.keys`) })).events));
    assert.ok(mqttEvents(analysis.events).every((e) => e.tls === true));
    assert.deepEqual(findings(analysis.events, 'mqtt.tls'), []);
    assert.deepEqual(findings(analysis.events, 'tls.no-secret'), []);
    const [note, ...more] = findings(analysis.events, 'capture.decryption-secrets');
    assert.equal(more.length, 0);
    assert.equal(note?.frame, 1);
    assert.equal(note?.detail?.['used'], true);
    assert.equal(note?.detail?.['sessions'], KeyLog.parse(readFileSync(fixture(`${name}.keys`), 'latin1')).sessions);
    assert.deepEqual(analysis.summary.frames.otherBlocks, { 'decryption-secrets': 1 });
    // Every frame is the original capture's, byte for byte.
    assert.deepEqual(framesOf(file), framesOf(fixture(`${name}.pcap`)));
    // The summary-only path decrypts the same.
    const lean = await analyzeCapture(file, { summaryOnly: true });
    assert.deepEqual(lean.summary.mqtt, analysis.summary.mqtt);
  });
}

test('a DSB is merged with --keylog: each holds part of the sessions, together they decrypt all', async () => {
  // The block holds the session of the second connection (the 8884 publisher), the file the other two.
  const half = new Set(randoms13.slice(1, 2));
  const inBlock = keyLines13.filter((l) => half.has(l.split(' ')[1]!)).join('\n');
  const inFile = write('rest.keys', keyLines13.filter((l) => !half.has(l.split(' ')[1]!)).join('\n'));
  const file = write('half.pcapng', tls13With([dsb(SECRETS_TLS_KEY_LOG, Buffer.from(inBlock))]));
  const full = ours((await analyzeCapture(fixture('tls-13.pcap'), { keyLog: fixture('tls-13.keys') })).events);
  assert.ok(full.length >= 30);

  const merged = await analyzeCapture(file, { keyLog: inFile });
  assert.deepEqual(ours(merged.events), full);
  assert.match(findings(merged.events, 'capture.decryption-secrets')[0]!.summary, /merged with the key log given: 3 in all/);

  // The block alone: its one session decrypted (on 8884, known by its client random); on the TLS port 8883 the
  // session has no secret; 8885 is not known as TLS at all.
  const alone = await analyzeCapture(file);
  assert.deepEqual(findings(alone.events, 'tls.no-secret').map((f) => f.stream), [0]);
  assert.deepEqual([...new Set(mqttEvents(alone.events).map((e) => e.stream))], [1]);

  // A KeyLog object of the caller's is not changed by the capture's secrets.
  const given = KeyLog.parse(readFileSync(inFile, 'latin1'));
  const before = given.sessions;
  assert.deepEqual(ours((await analyzeCapture(file, { keyLog: given })).events), full);
  assert.equal(given.sessions, before);
});

test('a DSB applies from where it is in the file: connections classified before it stay encrypted', { skip }, async () => {
  // Before the first frame of stream 1 (the 8884 publisher's SYN): stream 0 (8883) started without secrets.
  const events = (await analyzeCapture(fixture('tls-13.pcap'))).events;
  const syn1 = events.find((e) => e.layer === 'tcp' && 'stream' in e && e.stream === 1)!.frame;
  const file = write('late.pcapng', tls13With([dsb(SECRETS_TLS_KEY_LOG, Buffer.from(keyText13))], syn1));
  const analysis = await analyzeCapture(file);
  assert.equal(findings(analysis.events, 'capture.decryption-secrets')[0]?.frame, syn1);
  assert.equal(findings(analysis.events, 'mqtt.tls').length, 1);
  assert.equal(findings(analysis.events, 'mqtt.tls')[0]?.stream, 0);
  const got = mqttEvents(analysis.events);
  assert.ok(got.length > 0 && got.every((e) => e.stream !== 0));
  // tshark too decrypts only what follows the block (8884/8885 decoded as TLS, as above).
  assert.deepEqual(ours(analysis.events), tshark(file, [8884, 8885]));
});

test('DSBs of other secrets types, or whose length does not fit, are reported and not used', async () => {
  const wireguard = 0x57474b4c; // "WGKL"
  const file = write('odd.pcapng', tls13With([dsb(wireguard, Buffer.from('x'.repeat(40))), dsb(SECRETS_TLS_KEY_LOG, Buffer.from(keyText13), 1 << 20)]));
  const analysis = await analyzeCapture(file);
  assert.equal(mqttEvents(analysis.events).length, 0);
  const note = findings(analysis.events, 'capture.decryption-secrets');
  assert.deepEqual(note.map((f) => [f.frame, f.detail?.['secretsType'], f.detail?.['used']]), [[1, 'WGKL', false]]);
  assert.deepEqual(findings(analysis.events, 'capture.bad-secrets').map((f) => f.frame), [1]);
  assert.deepEqual(analysis.summary.frames.otherBlocks, { 'decryption-secrets': 2 });
  assert.equal(findings(analysis.events, 'mqtt.tls').length, 1);
});

test('a DSB is charged to the memory budget: past it, its key log is not used', async () => {
  const analysis = await analyzeCapture(fixture('tls-13-dsb.pcapng'), { memoryBudget: 1024 });
  assert.equal(mqttEvents(analysis.events).length, 0);
  assert.equal(findings(analysis.events, 'capture.decryption-secrets').length, 0);
  const exceeded = findings(analysis.events, 'budget.exceeded');
  assert.equal(exceeded[0]?.detail?.['state'], 'key-log');
});

test('the secrets of a DSB reach no output and never print', async () => {
  const secrets = [...keyText13.matchAll(/^\S+ [0-9a-f]{64} ([0-9a-f]+)$/gm)].map((m) => m[1]!);
  assert.ok(secrets.length >= 12);
  for (const showSecrets of [false, true]) {
    const analysis = await analyzeCapture(fixture('tls-13-dsb.pcapng'), { showSecrets });
    assert.ok(mqttEvents(analysis.events).length > 0);
    const output = JSON.stringify(analysis);
    for (const secret of secrets) assert.ok(!output.includes(secret.slice(0, 32)), 'a secret is in the analysis');
  }
  // The capture reader's record of a DSB prints as its type and length.
  const seen: DecryptionSecrets[] = [];
  const parser = new CaptureParser({
    frame: (_f: CaptureFrame) => undefined, notice: (_n: CaptureNotice) => undefined,
    secrets: (s) => { seen.push(s); assert.equal(s.text(), keyText13); },
  });
  parser.push(readFileSync(fixture('tls-13-dsb.pcapng')));
  parser.end();
  assert.equal(seen.length, 1);
  for (const shown of [JSON.stringify(seen[0]), inspect(seen[0], { showHidden: true, depth: 5 }), String(seen[0])]) {
    assert.match(shown, /TLSK/);
    for (const secret of secrets) assert.ok(!shown.includes(secret.slice(0, 16)), `DecryptionSecrets shows a secret: ${shown}`);
  }
});
