/**
 * The lab as a class really runs it (session 13's audit, fixtures/lab/capture_faults.sh after "What a real class
 * does"): each capture made by real programs, judged against tshark and against what the programs said (mosquitto's
 * log, the clients' output), through every view a student reads: the diagnosis in English and Bahasa Indonesia on
 * both analysis paths, the timeline's payload, and the Markdown report.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { MqttEvent } from '../src/index.js';
import type { Diagnosis } from '../src/diagnosis/types.js';
import { describeDiagnosis } from '../src/diagnosis/words.js';
import { previewPayload } from '../src/mqtt/summary.js';
import { fixturesDir } from './helpers/corpus.js';
import { reportOf } from './helpers/report.js';
import { diagnose } from './helpers/diagnose.js';
import { tsharkFields, tsharkMissing } from './helpers/tshark.js';

const fault = (name: string): string => path.join(fixturesDir, 'faults', `${name}.pcap`);

function only(list: Diagnosis[], code: string): Diagnosis {
  const matching = list.filter((d) => d.code === code);
  assert.equal(matching.length, 1, `expected one ${code}, got ${list.map((d) => d.code).join(', ')}`);
  return matching[0]!;
}

const codes = (list: Diagnosis[]): string[] => list.map((d) => d.code).sort();

/** Frames tshark selects with a display filter. */
function tsharkFrames(file: string, filter: string): number[] {
  return tsharkFields(file, ['frame.number'], ['-Y', filter]).map((r) => Number(r[0]));
}

/** The diagnoses of both paths, which must agree. */
async function bothPaths(file: string): Promise<Diagnosis[]> {
  const full = await diagnose(file);
  const lean = await diagnose(file, { summaryOnly: true });
  const said = (l: Diagnosis[]): string[] => l.map((d) => JSON.stringify({ code: d.code, detail: d.detail, evidence: d.evidence, frame: d.frame })).sort();
  assert.deepEqual(said(lean), said(full), 'the summary-only path diagnoses what the full path does');
  return full;
}

const report = reportOf;

/** The bullets of a report section (from its heading to the next one). */
function bullets(text: string, heading: string): string[] {
  const start = text.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `no section ${heading}`);
  const end = text.indexOf('\n#', start + heading.length + 2);
  return text.slice(start, end < 0 ? undefined : end).split('\n').filter((l) => l.startsWith('- '));
}

test('fault-capture-stopped-early: tcpdump -c ended the capture on a PUBLISH the broker had not forwarded yet: no ACL or broker drop is claimed', async () => {
  const file = fault('fault-capture-stopped-early');
  if (tsharkMissing === undefined) {
    // The capture's last frame is the publisher's PUBLISH; the broker's copies of the two before it are in it.
    const last = tsharkFrames(file, 'frame').at(-1);
    assert.deepEqual(tsharkFrames(file, 'mqtt.msgtype == 3 && ip.src == 172.18.0.4').at(-1), last);
    assert.equal(tsharkFrames(file, 'mqtt.msgtype == 3 && ip.src == 172.18.0.2').length, 2);
  }
  const list = await bothPaths(file);
  // It said: "1 message ... reached no subscriber ... although lab-sub had subscribed", causes an ACL first.
  assert.deepEqual(codes(list), []);
});

test('the end-of-capture grace is no excuse for a broker that answered after the message: fault-message-too-large keeps both silent drops', async () => {
  const list = await bothPaths(fault('fault-message-too-large'));
  const nobody = only(list, 'diag.published-to-nobody');
  // The last one was published 0.5 s before the capture ended, and PUBACKed by the broker, which then dropped it.
  assert.equal(nobody.detail.facts['count'], 2);
  assert.deepEqual(nobody.detail.facts['subscribers'], ['lab-sub (10.71.0.3)']);
});

test('fault-pub-same-id: the publisher took the subscriber\'s client id, so its messages reached no one: the takeover is the cause, not a late subscriber or a typo', async () => {
  const file = fault('fault-pub-same-id');
  const list = await bothPaths(file);
  assert.deepEqual(codes(list), ['diag.client-id-takeover', 'diag.published-to-nobody']);
  const nobody = only(list, 'diag.published-to-nobody');
  const f = nobody.detail.facts;
  assert.equal(f['count'], 3);
  assert.equal(f['takenOverMessages'], 3);
  assert.deepEqual(f['takenOverSubscribers'], ['lab-sub (172.18.0.3)']);
  assert.deepEqual(f['takenOverIds'], ['lab-sub']);
  assert.equal(f['takenOverByPublisher'], true);
  assert.deepEqual(nobody.detail.causes, ['subscriber-taken-over']);
  assert.deepEqual(nobody.detail.checks, ['unique-client-id']);
  if (tsharkMissing === undefined) {
    // Every PUBLISH pub.py got onto the wire (3 of its 5: the others were published while it was kicked out).
    assert.deepEqual(nobody.evidence.frames, tsharkFrames(file, 'mqtt.msgtype == 3'));
  }
  assert.match(describeDiagnosis(nobody, 'en')!.sentence,
    /; they were published while lab-sub \(172\.18\.0\.3\) was not connected: the broker had closed its connection because the publisher connected with the same client id \('lab-sub'\)\.$/);
  assert.match(describeDiagnosis(nobody, 'id')!.sentence,
    /; pesan itu di-publish saat lab-sub \(172\.18\.0\.3\) sedang tidak terhubung: broker telah menutup koneksinya karena publisher terhubung dengan client id yang sama \('lab-sub'\)\.$/);
  assert.match(describeDiagnosis(nobody, 'id')!.causes.join('; '), /^subscriber terlempar dari broker: client lain \(sering kali publisher/);
});

test('fault-pub-exit: a publisher script that ends right after publish(): the resets say it sent nothing but CONNECT, and why', async () => {
  const file = fault('fault-pub-exit');
  const list = await bothPaths(file);
  const resets = list.filter((d) => d.code === 'diag.tcp-reset');
  assert.ok(resets.length >= 1, 'at least one run lost its PUBLISH (paho\'s race; the fixture has two)');
  assert.deepEqual(codes(list), resets.map(() => 'diag.tcp-reset'));
  for (const d of resets) {
    assert.equal(d.detail.facts['sentNothing'], true);
    assert.equal(d.detail.facts['client'], 'lab-pub (172.18.0.4)');
    assert.ok(Number(d.detail.facts['afterConnackSeconds']) < 0.1);
    assert.deepEqual(d.detail.causes, ['script-ended-early', 'peer-aborted']);
    assert.equal(d.detail.checks[0], 'wait-before-exit');
    assert.match(describeDiagnosis(d, 'en')!.sentence, /^lab-pub \(172\.18\.0\.4\) reset its connection [\d.]+ ms after the broker accepted it \(CONNACK\), having sent nothing but its CONNECT: no PUBLISH, no SUBSCRIBE, no DISCONNECT\.$/);
    assert.match(describeDiagnosis(d, 'id')!.sentence, /^lab-pub \(172\.18\.0\.4\) mereset koneksinya [\d,]+ ms setelah broker menerimanya \(CONNACK\), tanpa mengirim apa pun selain CONNECT: tidak ada PUBLISH, SUBSCRIBE, maupun DISCONNECT\.$/);
    assert.match(describeDiagnosis(d, 'en')!.checks[0]!, /wait_for_publish\(\)/);
  }
  if (tsharkMissing === undefined) {
    // Each diagnosis: the connection's CONNECT, CONNACK and its RST, on a connection tshark sees no PUBLISH on.
    const rsts = tsharkFrames(file, 'tcp.flags.reset == 1 && ip.src == 172.18.0.4');
    assert.deepEqual(resets.map((d) => d.evidence.lastFrame), rsts);
    const ports = tsharkFields(file, ['tcp.srcport'], ['-Y', 'tcp.flags.reset == 1 && ip.src == 172.18.0.4']).map((r) => r[0]);
    for (const port of ports) assert.deepEqual(tsharkFrames(file, `mqtt.msgtype == 3 && tcp.srcport == ${port}`), []);
    const connects = tsharkFrames(file, 'mqtt.msgtype == 1 && ip.src == 172.18.0.4');
    for (const d of resets) assert.ok(connects.includes(d.evidence.firstFrame), `${d.evidence.firstFrame} is a CONNECT`);
  }
  // The report tells each connection, not the first one's sentence with both connections' frames.
  const { id } = await report(file);
  assert.equal(bullets(id, '### Kesimpulan').filter((b) => b.includes('tanpa mengirim apa pun selain CONNECT')).length, resets.length);
});

test('lifecycle.pcap: lab-reset, which reset its connection after CONNACK on purpose, is said to have sent nothing but CONNECT', async () => {
  const list = await diagnose(path.join(fixturesDir, 'lifecycle.pcap'));
  const reset = list.find((d) => d.code === 'diag.tcp-reset' && d.detail.facts['client'] === 'lab-reset (172.18.0.4)');
  assert.ok(reset !== undefined);
  assert.equal(reset.detail.facts['sentNothing'], true);
});

test('fault-latin1-payload: the degree sign in Latin-1 kills the UTF-8 subscriber: diagnosed, and the payload shown as text in every view', async () => {
  const file = fault('fault-latin1-payload');
  const list = await bothPaths(file);
  // It said: "All is well".
  assert.deepEqual(codes(list), ['diag.subscriber-quit-on-payload']);
  const d = only(list, 'diag.subscriber-quit-on-payload');
  const f = d.detail.facts;
  assert.equal(f['subscriber'], 'lab-sub (172.18.0.3)');
  assert.equal(f['topic'], 'sister/temp');
  assert.equal(f['bytes'], 10);
  assert.equal(f['closedWith'], 'FIN');
  assert.ok(Number(f['afterSeconds']) < 0.1);
  assert.deepEqual(d.detail.causes, ['payload-not-utf8', 'on-message-error']);
  if (tsharkMissing === undefined) {
    // lab-sub's port: its CONNECT carries the client id; the copy it got is the broker's PUBLISH to that port, and its
    // FIN comes next from that port, with no MQTT in between.
    const port = tsharkFields(file, ['tcp.srcport'], ['-Y', 'mqtt.clientid == "lab-sub"'])[0]![0];
    const copies = tsharkFrames(file, `mqtt.msgtype == 3 && tcp.dstport == ${port}`);
    assert.deepEqual(copies, [Number(f['messageFrame'])]);
    assert.equal(d.frame, copies[0]);
    assert.equal(tsharkFields(file, ['mqtt.msg'], ['-Y', `frame.number == ${copies[0]}`])[0]![0], '537568753a203238b043');
    const fin = tsharkFrames(file, `tcp.flags.fin == 1 && tcp.srcport == ${port}`)[0];
    assert.equal(d.evidence.lastFrame, fin);
    assert.deepEqual(tsharkFrames(file, `mqtt && tcp.srcport == ${port} && frame.number > ${copies[0]}`), []);
  }
  assert.match(describeDiagnosis(d, 'en')!.sentence, /^lab-sub \(172\.18\.0\.3\) closed its connection \(FIN, no DISCONNECT\) [\d.]+ ms after the broker delivered it a message on 'sister\/temp' \(frame \d+, 10 bytes\) whose payload is not valid UTF-8 text, and sent nothing in between: its program stopped while handling that message\.$/);
  assert.match(describeDiagnosis(d, 'id')!.sentence, /^lab-sub \(172\.18\.0\.3\) menutup koneksinya \(FIN, tanpa DISCONNECT\) [\d,]+ ms setelah broker mengirimkan kepadanya pesan di topik 'sister\/temp' \(frame \d+, 10 byte\) yang payload-nya bukan teks UTF-8 yang valid/);
  assert.match(describeDiagnosis(d, 'id')!.causes[0]!, /msg\.payload\.decode\(\)` di Python memunculkan UnicodeDecodeError/);

  const { en, id, events } = await report(file);
  // The timeline line: the text, its Latin-1 byte as \xb0 (it was 0x537568753a203238b043).
  const publish = events.find((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'PUBLISH');
  assert.equal(previewPayload(publish!.payload!), '"Suhu: 28\\xb0C" (not UTF-8)');
  assert.match(en, /payload `Suhu: 28\\xb0C` \(10 bytes, not UTF-8 text: \\\\xb0 is '°' in Latin-1 \(Windows-1252\), which UTF-8 writes with 2 bytes \('°' as c2 b0\); a subscriber that decodes the payload as UTF-8 \(Python: `msg\.payload\.decode\(\)`\) fails on it\)/);
  assert.match(id, /berisi `Suhu: 28\\xb0C` \(10 byte, bukan teks UTF-8: \\\\xb0 adalah '°' dalam Latin-1 \(Windows-1252\), sedangkan UTF-8 menuliskannya dengan 2 byte \('°' menjadi c2 b0\); subscriber yang men-decode payload sebagai UTF-8 \(Python: `msg\.payload\.decode\(\)`\) akan gagal membacanya\)/);
  assert.doesNotMatch(id, /Komunikasi berjalan normal/);
  assert.doesNotMatch(en, /biner|binary, shown as hex/);
});

test('a binary payload stays hex: only text with a few 8-bit bytes is shown as text', () => {
  assert.equal(previewPayload({ length: 4, format: 'binary', hex: '00ff10b0' }), '0x00ff10b0');
  assert.equal(previewPayload({ length: 6, format: 'binary', hex: 'b0b1b2b341c3' }), '0xb0b1b2b341c3');
  assert.equal(previewPayload({ length: 4, format: 'binary', hex: '415c42e9' }), '"A\\x5cB\\xe9" (not UTF-8)');
});

test('fault-topic-variants: Sister/temp, sister/temp/ and /sister/temp each named in natural Indonesian; the QoS 2 subscriber served at QoS 1 is no problem', async () => {
  const file = fault('fault-topic-variants');
  const list = await bothPaths(file);
  // No diag.subscription-downgraded: the SUBACK granted QoS 2; the copies at QoS 1 are the publisher's QoS.
  assert.deepEqual(codes(list), ['diag.topic-mismatch', 'diag.topic-mismatch', 'diag.topic-mismatch']);
  if (tsharkMissing === undefined) {
    assert.deepEqual(tsharkFields(file, ['mqtt.qos'], ['-Y', 'mqtt.msgtype == 3 && ip.src == 172.18.0.2']).map((r) => r[0]), ['1', '1', '1']);
    assert.deepEqual(tsharkFields(file, ['mqtt.suback.qos'], ['-Y', 'mqtt.msgtype == 9']).map((r) => r[0]), ['0', '0', '0', '2']);
  }
  const id = list.map((d) => describeDiagnosis(d, 'id')!.sentence);
  assert.match(id[0]!, /'Sister\/temp' .*: keduanya hanya berbeda huruf besar\/kecil, dan topik MQTT membedakan huruf besar dan kecil \(case-sensitive\)\.$/);
  assert.match(id[1]!, /'sister\/temp\/' .*: filter kelebihan garis miring \(\/\) di akhir \(garis miring memisahkan level, jadi topiknya menjadi berbeda\)\.$/);
  assert.match(id[2]!, /'\/sister\/temp' .*: filter kelebihan garis miring \(\/\) di awal /);
  for (const s of id) assert.equal(s.split('padahal').length - 1, 1, `one "padahal" per sentence: ${s}`);
  // The report: one statement per subscriber (it told the first with the frames of all three).
  const { id: report_ } = await report(file);
  const said = bullets(report_, '### Kesimpulan');
  assert.equal(said.length, 3);
  assert.match(said[0]!, /lab-sub1 .*'Sister\/temp'/);
  assert.match(said[1]!, /lab-sub2 .*'sister\/temp\/'/);
  assert.match(said[2]!, /lab-sub3 .*'\/sister\/temp'/);
});

test('fault-retained-late: three retained messages, then the subscriber: it gets the last one, and the report says why, not a forwarding delay', async () => {
  const file = fault('fault-retained-late');
  if (tsharkMissing === undefined) {
    // 3 retained PUBLISHes before the SUBSCRIBE; one copy after it, with RETAIN 1.
    assert.deepEqual(tsharkFields(file, ['mqtt.retain'], ['-Y', 'mqtt.msgtype == 3 && ip.src == 172.18.0.4']).map((r) => r[0]), ['1', '1', '1']);
    assert.deepEqual(tsharkFields(file, ['mqtt.retain'], ['-Y', 'mqtt.msgtype == 3 && ip.src == 172.18.0.2']).map((r) => r[0]), ['1']);
  }
  // Retained messages are no loss: nothing to diagnose.
  assert.deepEqual(codes(await bothPaths(file)), []);
  const { en, id } = await report(file);
  // It said "Of 3 messages ... the broker delivered 1" / "hanya 1 yang diteruskan", and timed the retained copy as
  // forwarded "323.924 ms after the publisher's message"; and "1 di antaranya" of one copy.
  assert.match(en, /Of 3 messages published to `sister\/temp`, the subscribers received only the retained one, sent when they subscribed after them/);
  assert.match(id, /Dari 3 pesan yang di-publish ke `sister\/temp`, subscriber hanya menerima pesan retained, yang dikirim broker saat mereka subscribe setelah pesan-pesan itu/);
  assert.match(en, /to `lab-sub` \(172\.18\.0\.3\), in frame \d+; it is a retained message sent when the subscription was made\./);
  assert.match(id, /kepada `lab-sub` \(172\.18\.0\.3\), pada frame \d+; pesan itu adalah pesan retained yang dikirim saat subscribe\./);
  assert.doesNotMatch(en, /ms after the publisher's message/);
  assert.doesNotMatch(id, /setelah pesan dari publisher|1 di antaranya/);
});
