/**
 * Developer tool (not a test): compares every MQTT field of every fixture and corpus capture (or the files given)
 * with tshark's (helpers/mqtt-fields.ts) and prints each difference. `node dist/test/helpers/mqtt-fields-sweep.js [FILE...]`.
 */
import { analyzeCapture } from '../../src/index.js';
import type { MqttEvent } from '../../src/index.js';
import { corpusCaptures, fixtureCaptures, type CaptureCase } from './corpus.js';
import { ourMqttRecord, recordDifferences, tsharkMqttRecords } from './mqtt-fields.js';

const OPTIONS: Record<string, string[]> = {
  'fixtures/edge/lossy.pcap': ['-o', 'tcp.reassemble_out_of_order:TRUE'],
  'fixtures/edge/lossy-big.pcap': ['-o', 'tcp.reassemble_out_of_order:TRUE'],
};

async function sweep(c: CaptureCase): Promise<number> {
  const theirs = tsharkMqttRecords(c.file, c.ports, OPTIONS[c.name] ?? []);
  const a = await analyzeCapture(c.file, { ports: c.ports, showSecrets: true });
  const ours = a.events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt' && e.websocket !== true);
  const byFrame = new Map<number, MqttEvent[]>();
  for (const e of ours) byFrame.set(e.frame, [...(byFrame.get(e.frame) ?? []), e]);
  let n = 0;
  for (const t of theirs) {
    const list = byFrame.get(t.frame) ?? [];
    const i = list.findIndex((e) => String(e.msgtype) === t.fields['type']);
    if (i < 0) { console.log(`${c.name} #${t.frame} type ${t.fields['type']}: not ours`); n++; continue; }
    const e = list.splice(i, 1)[0]!;
    if (e.malformed !== undefined) continue;
    const d = recordDifferences(ourMqttRecord(e), t.fields);
    if (d.length > 0) { console.log(`${c.name} #${t.frame} ${e.type}: ${d.join('; ')}`); n++; }
  }
  for (const [frame, list] of byFrame) for (const e of list) { console.log(`${c.name} #${frame} ${e.type}: not tshark's`); n++; }
  return n;
}

const files = process.argv.slice(2);
const cases = files.length > 0 ? files.map((f) => ({ file: f, name: f, ports: [] })) : [...fixtureCaptures(), ...corpusCaptures()];
let total = 0;
for (const c of cases) {
  if (/tls|websocket/.test(c.name)) continue;
  try { total += await sweep(c); } catch (err) { console.log(`${c.name}: ${(err as Error).message.slice(0, 200)}`); }
}
console.log(`${total} differences`);
