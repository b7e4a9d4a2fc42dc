/**
 * Secrets never leave mqtt-pcap unless --show-secrets: on every corpus capture and fixture, every CONNECT password and
 * MQTT 5 authentication data tshark finds is absent from every output (table, summary, JSON, NDJSON, Markdown in both
 * languages), and the password fields say "***". Views run in-process on the same analysis as the CLI's.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { MqttEvent } from '../src/index.js';
import { JsonView } from '../src/views/json.js';
import { KeyEventCollector, renderMarkdown } from '../src/report/index.js';
import { NdjsonView } from '../src/views/ndjson.js';
import { ChunkedWriter } from '../src/views/output.js';
import { makeStyle } from '../src/views/style.js';
import { renderSummary } from '../src/views/summary-text.js';
import { TableView } from '../src/views/table.js';
import { corpusCaptures, corpusMissing, fixtureCaptures } from './helpers/corpus.js';
import { tsharkMissing, tsharkRecords } from './helpers/tshark.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({ write(chunk: Buffer, _encoding, done) { chunks.push(Buffer.from(chunk)); done(); } });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Every output format of one analysis, as one string. */
async function allOutputs(file: string, ports: number[], showSecrets: boolean): Promise<{ text: string; events: MqttEvent[] }> {
  const outs = [sink(), sink(), sink()];
  const writers = outs.map((o) => new ChunkedWriter(o.stream));
  const style = makeStyle(false);
  const table = new TableView(writers[0]!, { width: 160, live: false, style });
  const ndjson = new NdjsonView(writers[1]!);
  const json = new JsonView(writers[2]!, file, 'test');
  const key = new KeyEventCollector();
  const mqtt: MqttEvent[] = [];
  const { summary } = await analyzeCapture(file, {
    ports, showSecrets,
    onEvent: (e) => { table.event(e); ndjson.event(e); json.event(e); key.add(e); if (e.layer === 'mqtt') mqtt.push(e as MqttEvent); },
  });
  table.end();
  json.end(summary);
  for (const w of writers) await w.close();
  const text = [
    ...outs.map((o) => o.text()), renderSummary(summary, style),
    renderMarkdown(file, summary, key, 'en'), renderMarkdown(file, summary, key, 'id'),
  ].join('\n');
  return { text, events: mqtt };
}

test('passwords and authentication data appear in no output unless --show-secrets', { skip: tsharkMissing }, async (t) => {
  if (corpusMissing !== undefined) t.diagnostic(`corpus skipped: ${corpusMissing}`);
  let checked = 0;
  for (const c of [...corpusCaptures(), ...fixtureCaptures()]) {
    // tshark 4.0 has no field for MQTT 5 authentication data: that one is checked on our events below.
    const records = tsharkRecords(c.file, ['mqtt.passwd'], ['-Y', 'mqtt.passwd', ...c.ports.flatMap((p) => ['-d', `tcp.port==${p},mqtt`])]);
    const secrets = records.map((r) => r['mqtt.passwd'] ?? '').filter((x) => x !== '');
    if (secrets.length === 0) continue;
    const hidden = await allOutputs(c.file, c.ports, false);
    const shown = await allOutputs(c.file, c.ports, true);
    for (const e of hidden.events) {
      if (e.password !== undefined) assert.equal(e.password, '***', `${c.name} frame ${e.frame}`);
      const auth = e.properties?.['authenticationData'];
      if (auth !== undefined) assert.equal(auth, '***', `${c.name} frame ${e.frame}: authentication data`);
    }
    for (const secret of new Set(secrets)) {
      // The secret may also be an ordinary value elsewhere (corpus ndpi/mqtt.pcap: password = user name = part of
      // topics). So count: --show-secrets adds it exactly once per CONNECT carrying it in each of the two structured
      // outputs (JSON and NDJSON password fields); without it, it must not appear one time more than that baseline.
      const count = (text: string): number => text.split(secret).length - 1;
      const carriers = shown.events.filter((e) => e.password === secret).length;
      assert.ok(carriers > 0, `${c.name}: --show-secrets shows the password "${secret}"`);
      assert.equal(count(shown.text) - count(hidden.text), 2 * carriers, `${c.name}: "${secret}" leaks without --show-secrets`);
    }
    checked++;
  }
  assert.ok(checked > 0 || corpusMissing !== undefined, 'no capture with a password was found');
  t.diagnostic(`${checked} captures with secrets checked`);
});
