/**
 * MQTT over TLS decrypted with a key log, on the lab's TLS captures (fixtures/tls-*.pcap, made by paho clients that
 * wrote the key logs fixtures/tls-*.keys, see fixtures/lab/capture.sh): every MQTT message equals tshark's with the
 * same key log (frame, type, topic, packet id); the handshake facts equal tshark's; and what cannot be decrypted —
 * no key log, a partial or a wrong one, records cut by the snaplen, a connection captured after its handshake — is
 * said per connection, never a crash.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture, KeyLog } from '../src/index.js';
import type { FindingEvent, MqttEvent, TimelineEvent, TlsEvent } from '../src/index.js';
import { cipherSuiteName } from '../src/tls/cipher-suites.js';
import { fixturesDir } from './helpers/corpus.js';
import { tsharkFields, tsharkMissing, tsharkMqtt } from './helpers/tshark.js';

const fixture = (name: string): string => path.join(fixturesDir, name);
const skip = tsharkMissing ?? false;
const tmp = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-tls-'));

/** One MQTT message, as compared: frame, msgtype, topic(s), packet id. */
type Row = string;
const row = (frame: number, msgtype: number, topic: string | undefined, id: number | undefined): Row =>
  `${frame} ${msgtype} ${topic ?? '-'} ${id ?? '-'}`;

/** tshark's MQTT messages of a capture decrypted with `keys`; `ports`: MQTT-over-TLS ports besides 8883. */
function tsharkMqttTls(file: string, keys: string, ports: number[]): Row[] {
  const decodeAs = ports.flatMap((p) => ['-d', `tcp.port==${p},tls`, '-d', `tls.port==${p},mqtt`]);
  return tsharkMqtt(file, [], ['-o', `tls.keylog_file:${keys}`, ...decodeAs]).map((m) => row(m.frame, m.msgtype, m.topic, m.msgid));
}

function ours(events: TimelineEvent[]): Row[] {
  return mqttEvents(events).map((e) => row(e.frame, e.msgtype,
    e.topic ?? (e.subscriptions?.map((s) => s.topic) ?? e.unsubscriptions)?.join(','), e.packetId));
}

const mqttEvents = (events: TimelineEvent[]): MqttEvent[] => events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt');
const findings = (events: TimelineEvent[], code: string): FindingEvent[] =>
  events.filter((e): e is FindingEvent => e.kind === 'finding' && e.code === code);

for (const [name, ports, suites] of [
  ['tls-12', [8887], ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']],
  ['tls-13', [8884, 8885], ['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256']],
] as const) {
  test(`${name}: every decrypted MQTT message equals tshark's with the same key log`, { skip }, async () => {
    const file = fixture(`${name}.pcap`);
    const keys = fixture(`${name}.keys`);
    const expected = tsharkMqttTls(file, keys, [...ports]);
    assert.ok(expected.length >= 15, `tshark decrypted only ${expected.length} MQTT messages`);
    // The key log alone is enough on 8884/8885: a Client Hello it knows makes the connection TLS on any port.
    const analysis = await analyzeCapture(file, { keyLog: keys });
    assert.deepEqual(ours(analysis.events), expected);
    assert.ok(mqttEvents(analysis.events).every((e) => e.tls === true && e.websocket !== true));
    // Decrypted MQTT is analysed like plain MQTT: pairing and fan-out across the TLS connections.
    assert.ok(mqttEvents(analysis.events).some((e) => e.type === 'PUBLISH' && e.direction === 'server' && e.sourceFrame !== undefined));
    assert.ok(mqttEvents(analysis.events).some((e) => e.type === 'CONNACK' && e.latencyMs !== undefined));
    assert.equal(findings(analysis.events, 'tls.decrypt-failed').length, 0);
    // The summary lists the decrypted sessions, by client id.
    assert.deepEqual(analysis.summary.mqtt.sessions.map((x) => x.clientId).sort(),
      [...new Set(mqttEvents(analysis.events).filter((e) => e.type === 'CONNECT').map((e) => e.clientId))].sort());
    assert.ok(analysis.summary.tcp.listed.some((c) => c.protocol === 'mqtt-tls'));
    // Handshake facts per connection equal tshark's (Server Hello cipher suite, negotiated version, certificate).
    const hellos = tsharkFields(file, ['tcp.stream', 'tls.handshake.ciphersuite', 'tls.handshake.extensions.supported_version'],
      ['-Y', 'tls.handshake.type == 2', ...[...ports].flatMap((p) => ['-d', `tcp.port==${p},tls`])]);
    const handshakes = findings(analysis.events, 'tls.handshake');
    assert.deepEqual(handshakes.map((f) => [f.stream, f.detail?.['cipherSuite'], f.detail?.['version'], f.detail?.['decrypted']]),
      hellos.map(([stream, suite, version]) => [Number(stream), cipherSuiteName(Number(suite)), version === '0x0304' ? 'TLS 1.3' : 'TLS 1.2', true]));
    assert.deepEqual(handshakes.map((f) => f.detail?.['cipherSuite']), [...suites]);
    for (const f of handshakes) {
      if (name === 'tls-12') assert.equal((f.detail?.['certificate'] as { subject?: string } | undefined)?.subject, 'CN=172.18.0.2');
      assert.ok(typeof f.detail?.['handshakeMs'] === 'number' && f.detail['handshakeMs'] > 0);
    }
  });
}

/** The MQTT packets in tshark's decrypted WebSocket messages (tshark 4.0 does not dissect MQTT over WebSocket). */
function tsharkWebSocketMqtt(file: string, keys: string, port: number): Row[] {
  const rows = tsharkFields(file, ['frame.number', 'websocket.opcode', 'data.data'],
    ['-o', `tls.keylog_file:${keys}`, '-d', `tcp.port==${port},tls`, '-d', `tls.port==${port},http`, '-Y', 'websocket.opcode == 2']);
  return rows.map(([frame, , hex]) => {
    const b = Buffer.from(hex ?? '', 'hex');
    const type = b[0]! >> 4;
    let at = 1;
    while (b[at]! & 0x80) at++;
    at++;
    const u16 = (): number => { const v = b.readUInt16BE(at); at += 2; return v; };
    const str = (): string => { const n = u16(); const s = b.toString('utf8', at, at + n); at += n; return s; };
    if (type === 3) {
      const topic = str();
      return row(Number(frame), type, topic, ((b[0]! >> 1) & 3) > 0 ? u16() : undefined);
    }
    if (type === 8 || type === 10) {
      const id = u16();
      const topics: string[] = [];
      while (at < b.length) { topics.push(str()); if (type === 8) at++; }
      return row(Number(frame), type, topics.join(','), id);
    }
    return row(Number(frame), type, undefined, type >= 4 && type <= 11 ? u16() : undefined);
  });
}

test('tls-ws: MQTT over WebSocket over TLS (1.3 and 1.2) equals the MQTT in tshark\'s decrypted WebSocket messages', { skip }, async () => {
  const file = fixture('tls-ws.pcap');
  const keys = fixture('tls-ws.keys');
  const expected = tsharkWebSocketMqtt(file, keys, 8081);
  assert.ok(expected.length >= 15, `tshark decrypted only ${expected.length} WebSocket messages`);
  const analysis = await analyzeCapture(file, { keyLog: keys, tlsPorts: [8883, 8081] });
  assert.deepEqual(ours(analysis.events), expected);
  assert.ok(mqttEvents(analysis.events).every((e) => e.tls === true && e.websocket === true));
  assert.deepEqual(findings(analysis.events, 'tls.handshake').map((f) => f.detail?.['version']), ['TLS 1.3', 'TLS 1.2']);
});

test('TLS 1.3 KeyUpdate (openssl s_client): the records after it are decrypted with the next traffic secret', { skip }, async () => {
  const file = fixture('tls-keyupdate.pcap');
  const keys = fixture('tls-keyupdate.keys');
  const analysis = await analyzeCapture(file, { keyLog: keys });
  assert.deepEqual(ours(analysis.events), tsharkMqttTls(file, keys, []));
  const [update] = tsharkFields(file, ['frame.number'], ['-o', `tls.keylog_file:${keys}`, '-Y', 'tls.handshake.type == 24']);
  const ourUpdate = analysis.events.find((e): e is TlsEvent => e.kind === 'packet' && e.layer === 'tls' && e.type === 'Key Update');
  assert.equal(ourUpdate?.frame, Number(update![0]));
  const publishes = mqttEvents(analysis.events).filter((e) => e.type === 'PUBLISH');
  assert.deepEqual(publishes.map((e) => e.payload?.text), ['before', 'after!']);
  assert.ok(publishes[1]!.frame > ourUpdate!.frame);
});

test('diagnoses from real handshakes: a version mismatch refused with an alert, a certificate about to expire', async () => {
  const analysis = await analyzeCapture(fixture('tls-12.pcap'), { tlsPorts: [8883, 8886, 8887] });
  const refused = findings(analysis.events, 'tls.handshake-failed');
  assert.equal(refused.length, 1);
  assert.equal(refused[0]!.detail?.['alert'], 'protocol_version');
  assert.deepEqual(refused[0]!.detail?.['offeredVersions'], ['TLS 1.2']);
  assert.ok(refused[0]!.src.endsWith(':8886'));
  const [alert] = tsharkFields(fixture('tls-12.pcap'), ['frame.number', 'tls.alert_message.desc'], ['-Y', 'tls.alert_message.level == 2', '-d', 'tcp.port==8886,tls']);
  if (tsharkMissing === undefined) assert.deepEqual([refused[0]!.frame, 70], [Number(alert![0]), Number(alert![1])]);
  const expiring = findings(analysis.events, 'tls.certificate-expiring');
  assert.equal(expiring.length, 1);
  assert.ok(expiring[0]!.src.endsWith(':8887'));
  assert.match(expiring[0]!.summary, /expires in (9|10) days/);
  assert.equal(findings(analysis.events, 'tls.certificate-expired').length, 0);
});

test('without a key log: no MQTT, one mqtt.tls note per connection, and the handshake facts still reported', async () => {
  const analysis = await analyzeCapture(fixture('tls-12.pcap'));
  assert.equal(mqttEvents(analysis.events).length, 0);
  assert.equal(findings(analysis.events, 'mqtt.tls').length, 3);
  const handshakes = findings(analysis.events, 'tls.handshake');
  assert.deepEqual(handshakes.map((f) => [f.detail?.['version'], f.detail?.['decrypted']]), [['TLS 1.2', false], ['TLS 1.2', false], ['TLS 1.2', false]]);
  assert.deepEqual(findings(analysis.events, 'tls.no-secret'), []);
  assert.ok(handshakes.every((f) => (f.detail?.['certificate'] as { notAfter?: string }).notAfter?.startsWith('20')));
  // TLS 1.3 hides the certificate: version and suite only.
  const tls13 = await analyzeCapture(fixture('tls-13.pcap'), { tlsPorts: [8883, 8884, 8885] });
  assert.deepEqual(findings(tls13.events, 'tls.handshake').map((f) => [f.detail?.['cipherSuite'], f.detail?.['certificate']]),
    [['TLS_AES_256_GCM_SHA384', undefined], ['TLS_AES_128_GCM_SHA256', undefined], ['TLS_CHACHA20_POLY1305_SHA256', undefined]]);
});

test('a partial key log: the sessions it holds are decrypted, each other one is named by its client random', { skip }, async () => {
  const file = fixture('tls-13.pcap');
  const lines = readFileSync(fixture('tls-13.keys'), 'latin1').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const randoms = [...new Set(lines.map((l) => l.split(' ')[1]!))];
  assert.equal(randoms.length, 3);
  const partial = path.join(tmp, 'partial.keys');
  writeFileSync(partial, lines.filter((l) => l.split(' ')[1] === randoms[0]).join('\n') + '\n');
  const analysis = await analyzeCapture(file, { keyLog: partial, tlsPorts: [8883, 8884, 8885] });
  const clientHellos = tsharkFields(file, ['tcp.stream', 'tls.handshake.random'],
    ['-Y', 'tls.handshake.type == 1', '-d', 'tcp.port==8884,tls', '-d', 'tcp.port==8885,tls']);
  const decryptedStream = Number(clientHellos.find(([, random]) => random!.replace(/:/g, '') === randoms[0])![0]);
  assert.deepEqual([...new Set(mqttEvents(analysis.events).map((e) => e.stream))], [decryptedStream]);
  const missing = findings(analysis.events, 'tls.no-secret');
  assert.deepEqual(missing.map((f) => f.detail?.['clientRandom']).sort(), randoms.slice(1).sort());
  for (const f of missing) {
    assert.equal(clientHellos.find(([stream]) => Number(stream) === f.stream)?.[1]?.replace(/:/g, ''), f.detail?.['clientRandom']);
  }
});

test('a wrong key log: records that fail authentication are findings per connection and direction, not a crash', async () => {
  const text = readFileSync(fixture('tls-12.keys'), 'latin1');
  const wrong = path.join(tmp, 'wrong.keys');
  // Same client randoms, other master secrets.
  const shift = (hex: string): string => hex.replace(/[0-9a-f]/g, (d) => ((Number.parseInt(d, 16) + 1) % 16).toString(16));
  writeFileSync(wrong, text.replace(/^(CLIENT_RANDOM [0-9a-f]{64} )([0-9a-f]+)$/gm, (_m, head: string, secret: string) => head + shift(secret)));
  const analysis = await analyzeCapture(fixture('tls-12.pcap'), { keyLog: wrong });
  assert.equal(mqttEvents(analysis.events).length, 0);
  const failed = findings(analysis.events, 'tls.decrypt-failed');
  const side = (f: FindingEvent): string => `${f.stream}:${/:88\d\d$/.test(f.src) ? 'server' : 'client'}`;
  const sessions = findings(analysis.events, 'tls.handshake').map((f) => f.stream);
  assert.equal(sessions.length, 4);
  assert.deepEqual(failed.map(side).sort(), sessions.flatMap((s) => [`${s}:client`, `${s}:server`]).sort());
  assert.ok(failed.every((f) => f.detail?.['reason'] === 'authentication'), 'an AEAD record that does not open: reason authentication');
  assert.ok(findings(analysis.events, 'tls.handshake').every((f) => f.detail?.['decrypted'] === false));
});

test('records cut by the snaplen: not decrypted and reported; every other record still is (same run as tls-13.pcap)', { skip }, async () => {
  const keys = fixture('tls-13.keys');
  const cut = await analyzeCapture(fixture('tls-13-snaplen.pcap'), { keyLog: keys });
  const whole = await analyzeCapture(fixture('tls-13.pcap'), { keyLog: keys });
  const cutRows = ours(cut.events);
  const wholeRows = new Set(ours(whole.events));
  // Both files were written by two tcpdumps on one interface at once: same frames, same numbers.
  assert.ok(cutRows.length > 10 && cutRows.every((r) => wholeRows.has(r)), 'a message decrypted from the cut capture is not in the whole one');
  // The 3000-byte PUBLISHes span several frames: their records were cut, so they are missing.
  assert.ok(!mqttEvents(cut.events).some((e) => e.type === 'PUBLISH' && (e.payload?.length ?? 0) >= 3000));
  assert.ok(mqttEvents(whole.events).some((e) => e.type === 'PUBLISH' && (e.payload?.length ?? 0) >= 3000));
  const truncated = findings(cut.events, 'tls.record-truncated');
  assert.ok(truncated.length > 0 && truncated.every((f) => (f.detail?.['count'] as number) >= 1));
  // tshark decrypts no more than we do (it has no fallback for a server Finished the snaplen cut).
  const tshark = tsharkMqttTls(fixture('tls-13-snaplen.pcap'), keys, [8884, 8885]);
  assert.ok(tshark.every((r) => cutRows.includes(r)), 'tshark decrypted a message we did not');
});

test('a lost segment inside a record: that record is reported, every later one of the connection still decrypted', { skip }, async () => {
  // tls-13.pcap without one of the three frames of a 3000-byte PUBLISH's record (client → 8885): a real hole of known
  // length (the broker acknowledges past it), made with editcap.
  const { execFileSync } = await import('node:child_process');
  const file = fixture('tls-13.pcap');
  const keys = fixture('tls-13.keys');
  const big = tsharkFields(file, ['frame.number'], ['-d', 'tcp.port==8885,tls', '-Y', 'tcp.dstport == 8885 && tcp.len > 1000']);
  const lost = Number(big[1]![0]); // the middle frame of the first big record
  const holed = path.join(tmp, 'lost-segment.pcap');
  execFileSync('editcap', [file, holed, String(lost)]);
  const whole = await analyzeCapture(file, { keyLog: keys });
  const analysis = await analyzeCapture(holed, { keyLog: keys });
  const cutPublish = mqttEvents(whole.events).find((e) => e.type === 'PUBLISH' && e.frames.includes(lost + 1));
  assert.ok(cutPublish, 'no PUBLISH completed right after the removed frame');
  const renumbered = mqttEvents(whole.events).filter((e) => e !== cutPublish)
    .map((e) => row(e.frame > lost ? e.frame - 1 : e.frame, e.msgtype, e.topic ?? e.subscriptions?.map((x) => x.topic).join(','), e.packetId));
  assert.deepEqual(ours(analysis.events), renumbered);
  const truncated = findings(analysis.events, 'tls.record-truncated');
  assert.equal(truncated.length, 1);
  assert.equal(truncated[0]!.detail?.['count'], 1);
  assert.equal(findings(analysis.events, 'tls.decrypt-failed').length, 0);
  // tshark loses the record boundaries of that direction after the hole: it decrypts no more than we do.
  const tshark = tsharkMqttTls(holed, keys, [8884, 8885]);
  const rows = ours(analysis.events);
  assert.ok(tshark.every((r) => rows.includes(r)), 'tshark decrypted a message we did not');
});

test('a connection whose capture starts inside a record: the record layer resynchronises on tshark\'s record boundaries', { skip }, async () => {
  const { execFileSync } = await import('node:child_process');
  const file = fixture('tls-13.pcap');
  const [stream, middle] = tsharkFields(file, ['tcp.stream', 'frame.number'], ['-d', 'tcp.port==8885,tls', '-Y', 'tcp.dstport == 8885 && tcp.len > 1000'])[1]!;
  // Remove the connection's frames before the middle of its first big record (the other connections stay whole).
  const before = tsharkFields(file, ['frame.number'], ['-Y', `tcp.stream == ${stream} && frame.number < ${middle}`]).map(([f]) => f!);
  const cut = path.join(tmp, 'mid-record.pcap');
  execFileSync('editcap', [file, cut, ...before]);
  const analysis = await analyzeCapture(cut, { keyLog: fixture('tls-13.keys'), tlsPorts: [8883, 8884, 8885] });
  const onPort = (e: TimelineEvent): boolean => e.src.endsWith(':8885') || e.dst.endsWith(':8885');
  const records = analysis.events.filter((e): e is TlsEvent => e.kind === 'packet' && e.layer === 'tls' && onPort(e));
  const expected = tsharkFields(cut, ['frame.number', 'tls.record.content_type'], ['-d', 'tcp.port==8885,tls', '-Y', 'tcp.port == 8885 && tls.record'])
    .flatMap(([frame, types]) => (types ?? '').split(',').filter((t) => t !== '').map(() => Number(frame)));
  assert.ok(expected.length >= 5);
  assert.deepEqual(records.map((e) => e.frame), expected);
  const skipped = findings(analysis.events, 'mqtt.tls-malformed').filter(onPort);
  assert.equal(skipped.length, 1);
  assert.ok((skipped[0]!.detail?.['bytes'] as number) > 1000);
  assert.equal(findings(analysis.events, 'tls.handshake-not-seen').filter(onPort).length, 1);
  assert.equal(mqttEvents(analysis.events).filter(onPort).length, 0);
  assert.ok(mqttEvents(analysis.events).length > 10, 'the other connections are still decrypted');
});

test('a connection captured after its handshake: said once, its records stay encrypted; the others are decrypted', { skip }, async () => {
  const file = fixture('tls-13-midstream.pcap');
  const keys = fixture('tls-13.keys');
  const analysis = await analyzeCapture(file, { keyLog: keys });
  const notSeen = findings(analysis.events, 'tls.handshake-not-seen');
  assert.equal(notSeen.length, 1);
  const stream = notSeen[0]!.stream;
  assert.ok(analysis.events.some((e): e is TlsEvent => e.layer === 'tls' && e.kind === 'packet' && e.stream === stream && e.type === 'Application Data'));
  assert.equal(mqttEvents(analysis.events).filter((e) => e.stream === stream).length, 0);
  assert.deepEqual(ours(analysis.events), tsharkMqttTls(file, keys, [8884, 8885]));
});

test('key material never reaches an output, --show-secrets or not', async () => {
  const text = readFileSync(fixture('tls-13.keys'), 'latin1');
  const secrets = [...text.matchAll(/^\S+ [0-9a-f]{64} ([0-9a-f]+)$/gm)].map((m) => m[1]!);
  assert.ok(secrets.length >= 12);
  const keyLog = KeyLog.parse(text);
  for (const showSecrets of [false, true]) {
    const analysis = await analyzeCapture(fixture('tls-13.pcap'), { keyLog, showSecrets });
    assert.ok(mqttEvents(analysis.events).length > 0);
    const output = JSON.stringify(analysis);
    for (const secret of secrets) {
      assert.ok(!output.includes(secret), 'a secret is in the analysis');
      assert.ok(!output.includes(secret.slice(0, 32)), 'part of a secret is in the analysis');
    }
  }
  const { inspect } = await import('node:util');
  for (const shown of [JSON.stringify(keyLog), inspect(keyLog, { showHidden: true, depth: 5 }), String(keyLog)]) {
    for (const secret of secrets) assert.ok(!shown.includes(secret.slice(0, 16)), `KeyLog shows a secret: ${shown}`);
  }
});

test('KeyLog reads the NSS format: comments, labels, malformed lines counted', () => {
  const random = 'ab'.repeat(32);
  const log = KeyLog.parse(`# comment\n\nCLIENT_RANDOM ${random} ${'cd'.repeat(48)}\r\nCLIENT_RANDOM short ${'cd'.repeat(48)}\nEXPORTER_SECRET ${random} ${'ef'.repeat(32)}\nnonsense\n`);
  assert.equal(log.sessions, 1);
  assert.equal(log.malformedLines, 2);
  assert.ok(log.has(Buffer.from(random, 'hex')));
  assert.equal(log.secret('CLIENT_RANDOM', Buffer.from(random, 'hex'))?.length, 48);
  assert.equal(log.secret('CLIENT_TRAFFIC_SECRET_0', Buffer.from(random, 'hex')), undefined);
});

test('CLI: --keylog and $SSLKEYLOGFILE decrypt; an unreadable --keylog is a usage error; secrets never printed', async () => {
  const { spawnSync } = await import('node:child_process');
  const cli = path.join(fixturesDir, '..', 'dist', 'src', 'cli', 'main.js');
  const keys = fixture('tls-12.keys');
  const secrets = [...readFileSync(keys, 'latin1').matchAll(/^CLIENT_RANDOM [0-9a-f]{64} ([0-9a-f]+)$/gm)].map((m) => m[1]!);
  const runCli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [cli, 'analyze', fixture('tls-12.pcap'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  const mqttLines = (stdout: string) => stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as TimelineEvent)
    .filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt');
  const withFlag = runCli(['--keylog', keys, '--format', 'ndjson', '--show-secrets']);
  assert.equal(withFlag.status, 0, withFlag.stderr);
  const fromFlag = mqttLines(withFlag.stdout);
  assert.ok(fromFlag.length >= 30 && fromFlag.every((e) => e.tls === true));
  const withEnv = runCli(['--format', 'ndjson'], { SSLKEYLOGFILE: keys });
  assert.equal(withEnv.status, 0, withEnv.stderr);
  assert.deepEqual(mqttLines(withEnv.stdout).map((e) => e.frame), fromFlag.map((e) => e.frame));
  for (const format of ['table', 'json', 'markdown', 'summary']) {
    // --no-color applies to the table and summary only (the other formats are never coloured).
    const out = runCli(['--keylog', keys, '--format', format, '--show-secrets', ...(format === 'table' || format === 'summary' ? ['--no-color'] : [])]);
    assert.equal(out.status, 0, out.stderr);
    for (const secret of secrets) assert.ok(!out.stdout.includes(secret.slice(0, 24)) && !out.stderr.includes(secret.slice(0, 24)), `${format} shows a secret`);
  }
  const missing = runCli(['--keylog', path.join(tmp, 'no-such.keys')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /--keylog .*cannot read/);
  assert.equal(missing.stdout, '');
});

test('damaged TLS captures are data: 60 byte-flipped copies of the lab captures (GCM, ChaCha20, CBC, CCM) analyse without an exception', async () => {
  const { Readable } = await import('node:stream');
  let seed = 8883;
  const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const names = ['tls-12', 'tls-13', 'tls-ws', 'tls-keyupdate', 'tls-cbc', 'tls-ccm'];
  let findingsSeen = 0;
  for (let i = 0; i < 60; i++) {
    const name = names[i % names.length]!;
    const bytes = Buffer.from(readFileSync(fixture(`${name}.pcap`)));
    for (let k = 0; k < 30; k++) bytes[40 + Math.floor(random() * (bytes.length - 40))] = Math.floor(random() * 256);
    const analysis = await analyzeCapture(Readable.from([bytes]), { keyLog: fixture(`${name}.keys`), tlsPorts: [8883, 8081, 8884, 8885] })
      .catch((error: Error) => { if (error.name === 'CaptureError') return undefined; throw error; });
    findingsSeen += analysis?.events.filter((e) => e.kind === 'finding' && (e.layer === 'tls' || e.code.startsWith('tls.'))).length ?? 0;
  }
  assert.ok(findingsSeen > 0);
});
