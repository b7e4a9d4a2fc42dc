/**
 * The README's library example, as written there, compiles against the public API (`src/index.ts`, what
 * `import ... from 'mqtt-pcap'` resolves to) and finds the lab's readings in the bundled capture.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import { fixturesDir } from './helpers/corpus.js';

test('README library example', async () => {
  const lines: string[] = [];
  const { summary, events } = await analyzeCapture(path.join(fixturesDir, 'reqresp.pcap'));
  for (const e of events) {
    if (e.layer === 'mqtt' && e.type === 'PUBLISH') lines.push(`${e.frame} ${e.topic} ${e.payload?.text} ${e.forwardDelayMs}`);
  }
  const connect = summary.mqtt.latency['CONNECT→CONNACK'];
  assert.ok(connect !== undefined && connect.count === 2);
  assert.equal(lines.length, 10);
  assert.ok(lines.every((l) => l.includes(' sister/temp Suhu: 28°C ')));
  assert.equal(lines.filter((l) => !l.endsWith(' undefined')).length, 5, 'five forwarded copies carry a delay');
});
