/**
 * MQTT over TLS (fixtures/tls.pcap, made by the lab: Mosquitto on 8883): every TLS record tshark sees is a TLS event
 * of ours, in the same frame with the same content type, the Client Hello carries its SNI, and the connection is
 * reported as encrypted MQTT.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { FindingEvent, TlsEvent } from '../src/index.js';
import { fixturesDir } from './helpers/corpus.js';
import { tsharkFields, tsharkMissing } from './helpers/tshark.js';

const file = path.join(fixturesDir, 'tls.pcap');

test('TLS records equal tshark\'s, the handshake is named, the MQTT inside is reported as encrypted', { skip: tsharkMissing ?? (existsSync(file) ? false : 'fixtures/tls.pcap missing') }, async () => {
  // TLS 1.3 hides the real type of encrypted records: tshark gives those as tls.record.opaque_type (always 23).
  const rows = tsharkFields(file, ['frame.number', 'tls.record.content_type', 'tls.handshake.extensions_server_name', 'tls.record.opaque_type'], ['-Y', 'tls']);
  const perFrame = (pairs: Array<[number, number]>): string[] => {
    const map = new Map<number, number[]>();
    for (const [frame, type] of pairs) map.set(frame, [...(map.get(frame) ?? []), type]);
    return [...map].map(([frame, types]) => `${frame}:${types.sort((a, b) => a - b).join(',')}`);
  };
  const expected = perFrame(rows.flatMap(([frame, types, , opaque]) => [...(types ?? '').split(','), ...(opaque ?? '').split(',')]
    .filter((t) => t !== '').map((t) => [Number(frame), Number(t)] as [number, number])));
  const analysis = await analyzeCapture(file);
  const tls = analysis.events.filter((e): e is TlsEvent => e.kind === 'packet' && e.layer === 'tls');
  assert.deepEqual(perFrame(tls.map((e) => [e.frame, e.contentType])), expected);
  const hello = tls.find((e) => e.type === 'Client Hello');
  assert.ok(hello, 'no Client Hello');
  const sni = rows.find(([frame]) => Number(frame) === hello.frame)?.[2];
  assert.equal(hello.serverName ?? '', sni ?? '');
  assert.ok(analysis.events.some((e) => e.type === 'finding' && (e as FindingEvent).code === 'mqtt.tls'));
  assert.equal(analysis.events.filter((e) => e.kind === 'packet' && e.layer === 'mqtt').length, 0);
});
