/**
 * MQTT over TLS with CBC and CCM cipher suites, decrypted with a key log, on the lab's captures (fixtures/tls-cbc.pcap
 * and fixtures/tls-ccm.pcap, made by paho clients pinned to one suite each against Mosquitto, which wrote the key logs
 * fixtures/tls-cbc.keys and tls-ccm.keys; TLS 1.0 by openssl s_client and s_server; see fixtures/lab/capture.sh): every MQTT message equals tshark's with the same
 * key log (frame, type, topic, packet id), per connection the suite, version and encrypt_then_mac equal tshark's; a
 * CBC record whose MAC or padding does not verify is a `tls.decrypt-failed` finding with its reason, never a crash.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { FindingEvent, MqttEvent, TimelineEvent } from '../src/index.js';
import { CbcDecryptor } from '../src/tls/cbc.js';
import { DECRYPTABLE_SUITES, cipherSuiteName, type CbcSuite } from '../src/tls/cipher-suites.js';
import { prf10, tls12Keys } from '../src/tls/key-schedule.js';
import { fixturesDir } from './helpers/corpus.js';
import { tsharkFields, tsharkMissing, tsharkMqtt } from './helpers/tshark.js';

const fixture = (name: string): string => path.join(fixturesDir, name);
const skip = tsharkMissing ?? false;
const tmp = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-tls-cbc-'));

type Row = string;
const row = (frame: number, msgtype: number, topic: string | undefined, id: number | undefined): Row =>
  `${frame} ${msgtype} ${topic ?? '-'} ${id ?? '-'}`;

const decodeAs = (ports: number[]): string[] => ports.flatMap((p) => ['-d', `tcp.port==${p},tls`, '-d', `tls.port==${p},mqtt`]);

function tsharkMqttTls(file: string, keys: string, ports: number[]): Row[] {
  return tsharkMqtt(file, [], ['-o', `tls.keylog_file:${keys}`, ...decodeAs(ports)]).map((m) => row(m.frame, m.msgtype, m.topic, m.msgid));
}

const mqttEvents = (events: TimelineEvent[]): MqttEvent[] => events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt');
const ours = (events: TimelineEvent[]): Row[] => mqttEvents(events).map((e) => row(e.frame, e.msgtype,
  e.topic ?? (e.subscriptions?.map((s) => s.topic) ?? e.unsubscriptions)?.join(','), e.packetId));
const findings = (events: TimelineEvent[], code: string): FindingEvent[] =>
  events.filter((e): e is FindingEvent => e.kind === 'finding' && e.code === code);

const VERSIONS: Record<string, string> = { '0x0301': 'TLS 1.0', '0x0302': 'TLS 1.1', '0x0303': 'TLS 1.2', '0x0304': 'TLS 1.3' };

for (const [name, ports, expected] of [
  ['tls-cbc', [8884, 8885], [
    ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS 1.2', true], ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'TLS 1.2', false],
    ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'TLS 1.2', true], ['TLS_RSA_WITH_AES_256_CBC_SHA', 'TLS 1.2', false],
    ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'TLS 1.1', false], ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS 1.0', false]]],
  ['tls-ccm', [8884, 8885, 8886], [
    ['TLS_RSA_WITH_AES_128_CCM', 'TLS 1.2', false], ['TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8', 'TLS 1.2', false],
    ['TLS_ECDHE_ECDSA_WITH_AES_256_CCM', 'TLS 1.2', false], ['TLS_AES_128_CCM_SHA256', 'TLS 1.3', false],
    ['TLS_AES_128_CCM_8_SHA256', 'TLS 1.3', false]]],
] as const) {
  test(`${name}: every decrypted MQTT message equals tshark's with the same key log, each suite as tshark names it`, { skip }, async () => {
    const file = fixture(`${name}.pcap`);
    const keys = fixture(`${name}.keys`);
    const rows = tsharkMqttTls(file, keys, [...ports]);
    assert.ok(rows.length >= 35, `tshark decrypted only ${rows.length} MQTT messages`);
    const analysis = await analyzeCapture(file, { keyLog: keys });
    assert.deepEqual(ours(analysis.events), rows);
    assert.ok(mqttEvents(analysis.events).every((e) => e.tls === true));
    assert.equal(findings(analysis.events, 'tls.decrypt-failed').length, 0);
    assert.equal(findings(analysis.events, 'tls.unsupported-cipher').length, 0);
    // Every connection decrypted, each with the suite and version tshark reads in its Server Hello; encrypt_then_mac
    // (extension 22) where the Server Hello carried it.
    const hellos = tsharkFields(file, ['tcp.stream', 'tls.handshake.ciphersuite', 'tls.handshake.version',
      'tls.handshake.extensions.supported_version', 'tls.handshake.extension.type'], ['-Y', 'tls.handshake.type == 2', ...decodeAs([...ports])]);
    const handshakes = findings(analysis.events, 'tls.handshake');
    assert.deepEqual(handshakes.map((f) => [f.stream, f.detail?.['cipherSuite'], f.detail?.['version'], f.detail?.['decrypted']]),
      hellos.map(([stream, suite, legacy, version]) => [Number(stream), cipherSuiteName(Number(suite)), VERSIONS[version || legacy!], true]));
    assert.deepEqual(hellos.map(([, suite, legacy, version, types]) =>
      [cipherSuiteName(Number(suite)), VERSIONS[version || legacy!], (types ?? '').split(',').includes('22')]), expected);
    // Every client's messages are there: one CONNECT per connection, each answered.
    const connects = mqttEvents(analysis.events).filter((e) => e.type === 'CONNECT');
    assert.equal(connects.length, expected.length);
    assert.ok(mqttEvents(analysis.events).some((e) => e.type === 'PUBLISH' && e.direction === 'server' && e.sourceFrame !== undefined));
    // The 3000-byte PUBLISHes span several frames (CBC: SHA-384 MAC-then-encrypt; CCM: AES-256-CCM).
    assert.ok(mqttEvents(analysis.events).some((e) => e.type === 'PUBLISH' && (e.payload?.length ?? 0) >= 3000), 'no 3000-byte PUBLISH');
  });
}

/** Offset in a classic little-endian Ethernet/IPv4 pcap of each frame's TCP payload, and its length. */
function tcpPayloads(bytes: Buffer): Array<{ at: number; length: number }> {
  const out: Array<{ at: number; length: number }> = [];
  for (let at = 24; at + 16 <= bytes.length;) {
    const captured = bytes.readUInt32LE(at + 8);
    const frame = at + 16;
    const ip = frame + 14;
    const ipHeader = (bytes[ip]! & 0x0f) * 4;
    const tcp = ip + ipHeader;
    const payload = tcp + (bytes[tcp + 12]! >> 4) * 4;
    out.push({ at: payload, length: frame + captured - payload });
    at = frame + captured;
  }
  return out;
}

test('a CBC record whose MAC or padding does not verify: tls.decrypt-failed with the reason, at that frame; the rest as tshark', { skip }, async () => {
  const file = fixture('tls-cbc.pcap');
  const keys = fixture('tls-cbc.keys');
  const bytes = Buffer.from(readFileSync(file));
  const payloads = tcpPayloads(bytes);
  // Per connection, the second client record that fills one frame: 0 and 2 encrypt-then-MAC, 1 and 3 MAC-then-encrypt.
  const damage: Array<{ stream: number; frame: number; reason: string }> = [];
  for (const [stream, reason] of [[1, 'mac'], [2, 'mac'], [3, 'padding']] as const) {
    const records = tsharkFields(file, ['frame.number', 'tcp.len', 'tls.record.length'],
      ['-Y', `tcp.stream == ${stream} && tcp.dstport == 8883 && tls.record.content_type == 23`])
      .filter(([, len, length]) => Number(len) === Number(length) + 5);
    const frame = Number(records[1]![0]);
    const { at, length } = payloads[frame - 1]!;
    assert.equal(bytes[at], 23);
    if (stream === 2) bytes[at + length - 1]! ^= 0x01; // encrypt-then-MAC: the MAC itself
    else if (stream === 1) bytes[at + 5]! ^= 0x01; // the explicit IV: the first plaintext block, so the MAC
    else bytes[at + length - 17]! ^= 0x80; // the last byte of the next-to-last block: the padding length
    damage.push({ stream, frame, reason });
  }
  const damaged = path.join(tmp, 'cbc-damaged.pcap');
  writeFileSync(damaged, bytes);
  const analysis = await analyzeCapture(damaged, { keyLog: keys });
  const failed = findings(analysis.events, 'tls.decrypt-failed');
  assert.deepEqual(failed.map((f) => [f.stream, f.frame, f.detail?.['reason'], f.dst.endsWith(':8883')]),
    damage.map((d) => [d.stream, d.frame, d.reason, true]));
  assert.match(failed[0]!.summary, /MAC did not verify/);
  assert.match(failed[2]!.summary, /padding is invalid/);
  // tshark opens none of the damaged records either; everything we decrypt, it decrypts at the same frame, and what
  // we leave is only the damaged directions from the damaged record on (that direction stays encrypted).
  const theirs = tsharkMqttTls(damaged, keys, [8884, 8885]);
  const rows = ours(analysis.events);
  assert.ok(rows.every((r) => theirs.includes(r)), 'we decrypted a message tshark did not');
  assert.ok(!theirs.some((r) => damage.some((d) => r.startsWith(`${d.frame} `))), 'tshark decrypted a damaged record');
  const streamOf = new Map(mqttEvents((await analyzeCapture(file, { keyLog: keys })).events).map((e) => [row(e.frame, e.msgtype,
    e.topic ?? (e.subscriptions?.map((s) => s.topic) ?? e.unsubscriptions)?.join(','), e.packetId), e]));
  for (const r of theirs.filter((x) => !rows.includes(x))) {
    const e = streamOf.get(r);
    const d = damage.find((x) => x.stream === e?.stream);
    assert.ok(e !== undefined && d !== undefined && e.direction === 'client' && e.frame > d.frame, `missing ${r}`);
  }
  // The other connections and directions are untouched.
  assert.ok(mqttEvents(analysis.events).filter((e) => e.stream === 0).length > 10);
});

test('CBC records built with node:crypto: 3DES (no lab capture: Debian\'s OpenSSL 3.0 has no 3DES suite), TLS 1.0 chained IVs with encrypt_then_mac', async () => {
  const crypto = await import('node:crypto');
  // TLS 1.0's MD5+SHA-1 PRF equals OpenSSL's (`openssl kdf -keylen 40 -kdfopt digest:MD5-SHA1 -kdfopt hexsecret:00..2f
  // -kdfopt seed:"key expansion" -kdfopt hexseed:a0a1a2a3 TLS1-PRF`).
  assert.equal(prf10(Buffer.from(Array.from({ length: 48 }, (_, i) => i)), 'key expansion', Buffer.from('a0a1a2a3', 'hex'), 40).toString('hex'),
    '1d193d4f79159fb4615f196d70e3b35f52d31fb337f83d7af575c36db24b350c94dfbd004a6aa88c');
  const found = DECRYPTABLE_SUITES.get(0xc012); // TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA
  assert.ok(found?.kind === 'cbc');
  const suite: CbcSuite = found;
  const master = crypto.randomBytes(48);
  const [cr, sr] = [crypto.randomBytes(32), crypto.randomBytes(32)];
  for (const [version, encryptThenMac] of [[0x0301, false], [0x0301, true], [0x0303, false], [0x0303, true]] as const) {
    const keys = tls12Keys(suite, version, master, cr, sr).client;
    assert.equal(keys.iv.length, version === 0x0301 ? 8 : 0);
    const decryptor = new CbcDecryptor(suite, keys, { version, encryptThenMac });
    let chained = keys.iv;
    for (let seq = 0n; seq < 3n; seq++) {
      const data = Buffer.from(`record ${seq}: ${'x'.repeat(Number(seq) * 7)}`);
      const header = Buffer.from([23, 3, version & 0xff, 0, 0]);
      const mac = (content: Buffer): Buffer => {
        const h = Buffer.alloc(13);
        h.writeBigUInt64BE(seq);
        header.copy(h, 8, 0, 3);
        h.writeUInt16BE(content.length, 11);
        return crypto.createHmac('sha1', keys.macKey).update(h).update(content).digest();
      };
      const inner = encryptThenMac ? data : Buffer.concat([data, mac(data)]);
      const pad = 8 - ((inner.length + 1) % 8);
      const plain = Buffer.concat([inner, Buffer.alloc(pad + 1, pad)]);
      const iv = version === 0x0301 ? chained : crypto.randomBytes(8);
      const cipher = crypto.createCipheriv('des-ede3-cbc', keys.key, iv).setAutoPadding(false);
      const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
      chained = sealed.subarray(sealed.length - 8);
      const withIv = version === 0x0301 ? sealed : Buffer.concat([iv, sealed]);
      const body = encryptThenMac ? Buffer.concat([withIv, mac(withIv)]) : withIv;
      header.writeUInt16BE(body.length, 3);
      const opened = decryptor.decrypt(header, body);
      assert.deepEqual(opened, { ok: true, contentType: 23, data }, `version ${version} etm ${encryptThenMac} record ${seq}`);
    }
    const short = decryptor.decrypt(Buffer.from([23, 3, 3, 0, 7]), Buffer.alloc(7));
    assert.deepEqual(short, { ok: false, reason: 'length' });
  }
});
