/**
 * Four things users found confusing (session 14's audit), each on a capture made by real programs: a retained PUBLISH
 * with an empty payload (it clears the topic's retained message), the topics table's QoS column against its message
 * counts, the broker's own "No matching subscribers" in diag.published-to-nobody, and an empty client id.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { MqttEvent, TimelineEvent } from '../src/index.js';
import { renderSummary } from '../src/views/summary-text.js';
import { makeStyle } from '../src/views/style.js';
import { fixturesDir } from './helpers/corpus.js';
import { reportOf } from './helpers/report.js';
import { diagnose } from './helpers/diagnose.js';
import { tsharkFields, tsharkMissing } from './helpers/tshark.js';

const edge = (name: string): string => path.join(fixturesDir, 'edge', `${name}.pcap`);

const report = reportOf;

const mqtt = (events: TimelineEvent[], frame: number): MqttEvent[] =>
  events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt' && e.frame === frame);

/** The report's lines that name a frame. */
const lines = (text: string, frame: number): string[] => text.split('\n').filter((l) => l.includes(`frame ${frame}`) || l.startsWith(`| ${frame} |`));

for (const [name, frame] of [['retained-qos', 39], ['cli-options', 0]] as const) {
  test(`${name}: a retained PUBLISH with an empty payload is told as clearing the topic's retained message`, async () => {
    const file = edge(name);
    const { en, id, events } = await report(file);
    const cleared = events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'PUBLISH'
      && e.retain === true && e.payload?.length === 0 && e.direction === 'client');
    assert.equal(cleared.length, 1, 'one client sends a retained PUBLISH with no payload');
    const at = cleared[0]!.frame;
    if (frame !== 0) assert.equal(at, frame);
    if (tsharkMissing === undefined) {
      // tshark: a retained PUBLISH at that frame, with no mqtt.msg (tshark prints none).
      const [row] = tsharkFields(file, ['mqtt.retain', 'mqtt.msg'], ['-Y', `frame.number == ${at} && mqtt.msgtype == 3`]);
      assert.equal(row?.[0], '1'); assert.ok(row?.[1] === '' || row?.[1] === '<MISSING>', 'no payload');
    }
    const line = mqtt(events, at).find((e) => e.type === 'PUBLISH')!.summary;
    assert.match(line, /retain, empty payload: clears the topic's retained message$/);
    assert.doesNotMatch(line, /""/);
    assert.ok(lines(en, at).some((l) => l.startsWith(`| ${at} |`) && l.includes('(retained, empty payload: clears the topic\'s retained message)')), 'en timeline row');
    assert.ok(lines(en, at).some((l) => /an empty payload: it clears the topic's retained message/.test(l)), 'en story');
    assert.ok(lines(id, at).some((l) => l.startsWith(`| ${at} |`) && l.includes('(retained, payload kosong: menghapus pesan retained topik ini)')), 'id timeline row');
    assert.ok(lines(id, at).some((l) => /payload kosong: pesan ini menghapus pesan retained topik itu/.test(l)), 'id story');
    // The retained PUBLISH with a payload is still shown with it.
    assert.ok(events.some((e) => e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'PUBLISH' && e.retain === true && /retain "/.test(e.summary)));
  });
}

for (const name of ['retained-qos', 'cli-options']) {
  test(`${name}: the topics' QoS mix is given for the published messages and the delivered copies apart, as tshark counts them`, async () => {
    const file = edge(name);
    const { summary } = await analyzeCapture(file);
    const topics = summary.mqtt.topics;
    assert.ok(topics.length > 0);
    const sum = (q: number[]): number => q.reduce((a, b) => a + b, 0);
    for (const t of topics) {
      assert.equal(sum(t.publishedQos), t.published, `${t.topic}: publishedQos counts what published counts`);
      assert.equal(sum(t.deliveredQos), t.delivered, `${t.topic}: deliveredQos counts what delivered counts`);
      assert.deepEqual(t.qos, t.qos.map((_, i) => t.publishedQos[i]! + t.deliveredQos[i]!), `${t.topic}: qos is unchanged, their sum`);
    }
    if (tsharkMissing === undefined) {
      // tshark: PUBLISHes to port 1883 (published) and from it (delivered), by topic and QoS.
      // A segment may carry several messages: tshark joins their fields with commas (these captures' PUBLISHes only).
      const rows = tsharkFields(file, ['tcp.dstport', 'mqtt.msgtype', 'mqtt.topic', 'mqtt.qos'], ['-Y', 'mqtt.msgtype == 3']).flatMap((r) => {
        const types = r[1]!.split(','); const names = r[2]!.split(','); const qos = r[3]!.split(',');
        assert.ok(types.every((x) => x === '3') && names.length === types.length && qos.length === types.length, `frame with other messages: ${r.join(' ')}`);
        return types.map((_, i) => [r[0]!, names[i]!, qos[i]!]);
      });
      assert.ok(rows.length > 0);
      for (const t of topics) {
        const mix = (toBroker: boolean): number[] => [0, 1, 2].map((q) => rows.filter((r) => (r[0] === '1883') === toBroker && r[1] === t.topic && r[2] === String(q)).length);
        assert.deepEqual(t.publishedQos, mix(true), `${t.topic} published`);
        assert.deepEqual(t.deliveredQos, mix(false), `${t.topic} delivered`);
      }
    }
    // The text summary's header says the column counts both.
    assert.match(renderSummary(summary, makeStyle(false), 200), /│ QoS 0\/1\/2 pub\+dlv │/);
  });
}

test('unsub-v5: diag.published-to-nobody quotes the broker\'s own PUBACK reason code 0x10 "No matching subscribers", in en and id', async () => {
  const file = edge('unsub-v5');
  const { en, id, events } = await report(file);
  // The broker's acknowledgements that said 0x10, as tshark reads them.
  const said = events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'PUBACK' && e.reasonCode === 0x10).map((e) => e.frame);
  assert.ok(said.length > 0);
  if (tsharkMissing === undefined) {
    assert.deepEqual(tsharkFields(file, ['frame.number'], ['-Y', 'mqtt.puback.reason_code == 0x10']).map((r) => Number(r[0])), said);
  }
  const findings = (await diagnose(file)).filter((d) => d.code === 'diag.published-to-nobody');
  assert.equal(findings.length, 1);
  const facts = findings[0]!.detail.facts;
  assert.equal(facts['noMatchingCount'], said.length);
  assert.deepEqual(facts['noMatchingAcks'], ['PUBACK']);
  assert.deepEqual(facts['noMatchingFrames'], said);
  const frames = said.slice(0, -1).join(', ');
  assert.ok(en.includes(`the broker said so itself: it answered each with PUBACK reason code 0x10 "No matching subscribers" (frame ${frames} and ${said.at(-1)})`), 'en');
  assert.ok(id.includes(`broker sendiri mengatakannya: setiap pesan dijawabnya dengan PUBACK reason code 0x10 "No matching subscribers" (tidak ada subscriber yang cocok; frame ${frames} dan ${said.at(-1)})`), 'id');
});

test('early: an empty client id is said as such, with what the broker does with it, in the timeline and the report (en, id)', async () => {
  const file = edge('early');
  const { en, id, events } = await report(file);
  const connects = events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'CONNECT' && e.clientId === '');
  assert.deepEqual(connects.map((e) => `${e.protocolVersion} ${e.cleanSession}`), ['4 true', '4 false', '3 true']);
  if (tsharkMissing === undefined) {
    // tshark: the CONNECTs with an empty client id (mqtt.clientid_len 0), and the CONNACK return codes after them.
    assert.deepEqual(tsharkFields(file, ['frame.number'], ['-Y', 'mqtt.msgtype == 1 && mqtt.clientid_len == 0']).map((r) => Number(r[0])), connects.map((e) => e.frame));
  }
  const said = ['the broker assigns one', 'not allowed with clean session 0', 'MQTT 3.1 needs 1 to 23 characters'];
  const saidId = ['broker yang menentukan', 'tidak diizinkan dengan clean session 0', 'MQTT 3.1 mensyaratkan 1 sampai 23 karakter'];
  connects.forEach((c, i) => {
    assert.match(c.summary, new RegExp(`^Connect Command client "" \\(empty: ${said[i]!.replace(/\./g, '\\.')}\\) MQTT`));
    // The broker accepted the first (CONNACK 0): its session started; it refused the others (CONNACK 2): none started.
    const started = events.find((e) => e.kind === 'lifecycle' && e.type === 'session-started' && e.src === c.src);
    if (i === 0) assert.ok(started?.summary.startsWith(`MQTT session of client "" (empty: ${said[i]!}) started`), started?.summary);
    else assert.equal(started, undefined, `no session started for the refused CONNECT in frame ${c.frame}`);
    const ended = events.find((e) => e.kind === 'lifecycle' && e.type === 'session-ended' && e.src === c.src);
    assert.ok(ended?.summary.startsWith(`MQTT session of client "" (empty: ${i === 0 ? 'the broker assigned one' : said[i]!}) ${i === 0 ? 'ended' : 'refused by the broker'}`), ended?.summary);
    assert.ok(en.includes(`| MQTT | CONNECT client id empty (${said[i]!}) (`), `en timeline ${c.frame}`);
    if (i === 0) assert.ok(en.includes(`| MQTT | MQTT session started, client id empty (${said[i]!}) |`), `en session ${c.frame}`);
    assert.ok(en.includes(`| ${c.src} | empty (${said[i]!}) |`), `en sessions table ${c.frame}`);
    assert.ok(id.includes(`| MQTT | CONNECT client id kosong (${saidId[i]!}) (`), `id timeline ${c.frame}`);
    assert.ok(id.includes(`| ${c.src} | kosong (${saidId[i]!}) |`), `id sessions table ${c.frame}`);
  });
  assert.ok(!/client ""(?! \()/.test(events.map((e) => e.summary).join('\n')), 'no bare client ""');
  assert.ok(!en.includes('| `  ` |') && !id.includes('| `  ` |'), 'no empty code cell');
});

test('mqtt5-broker: the CONNACK answering an empty client id names the Assigned Client Identifier, which the session then goes by', async () => {
  const { events } = await report(path.join(fixturesDir, 'mqtt', 'mqtt5-broker.pcap'));
  const connect = events.find((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'CONNECT' && e.clientId === '');
  assert.ok(connect !== undefined);
  const connack = events.find((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'CONNACK' && e.dst === connect.src);
  const assigned = connack?.properties?.['assignedClientIdentifier'];
  assert.equal(typeof assigned, 'string');
  assert.match(connack!.summary, new RegExp(`^Connect Ack Success Assigned Client Identifier "${String(assigned)}"`));
  const ended = events.find((e) => e.kind === 'lifecycle' && e.type === 'session-ended' && e.src === connect.src);
  assert.ok(ended?.summary.startsWith(`MQTT session of client "${String(assigned)}" ended`), ended?.summary);
});

test('mqtt31: a retained clear folded into a run of retained PUBLISHes with payloads is named in the story (en, id)', async () => {
  const { en, id, events } = await report(path.join(fixturesDir, 'mqtt', 'mqtt31.pcap'));
  const cleared = events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt' && e.type === 'PUBLISH' && e.direction === 'client' && e.retain === true && e.payload?.length === 0);
  assert.equal(cleared.length, 1);
  const at = cleared[0]!.frame;
  assert.ok(en.includes(`the others with different payloads; the one in frame ${at} has an empty payload: it clears the topic's retained message`), 'en');
  assert.ok(id.includes(`pesan pada frame ${at} berpayload kosong: pesan itu menghapus pesan retained topik itu`), 'id');
});
