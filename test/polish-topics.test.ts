/**
 * Four things users found confusing (session 14's audit), each on a capture made by real programs: a retained PUBLISH
 * with an empty payload (it clears the topic's retained message), the topics table's QoS column against its message
 * counts, the broker's own "No matching subscribers" in diag.published-to-nobody, and an empty client id.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { FindingEvent, MqttEvent, TimelineEvent } from '../src/index.js';
import { DiagnosisStage } from '../src/diagnosis/stage.js';
import { ReportSink, renderReport } from '../src/report/index.js';
import { fixturesDir, repoRoot } from './helpers/corpus.js';
import { tsharkFields, tsharkMissing } from './helpers/tshark.js';

const edge = (name: string): string => path.join(fixturesDir, 'edge', `${name}.pcap`);

/** The Markdown report in both languages, as `mqtt-pcap report` makes it, and the events. */
async function report(file: string): Promise<{ en: string; id: string; events: TimelineEvent[] }> {
  const sink = new ReportSink(path.relative(repoRoot, file));
  const events: TimelineEvent[] = [];
  const diagnosis = new DiagnosisStage();
  const emit = (finding: FindingEvent): void => { sink.event(finding); events.push(finding); };
  const { summary } = await analyzeCapture(file, { onEvent: (e) => { sink.event(e); events.push(e); diagnosis.event(e, emit); } });
  diagnosis.finish(emit, summary);
  const facts = sink.facts(summary);
  return { en: renderReport(facts, { lang: 'en', format: 'md' }).text, id: renderReport(facts, { lang: 'id', format: 'md' }).text, events };
}

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
