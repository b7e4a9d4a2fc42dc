/**
 * What the tunnel tests (test/tunnels.test.ts, test/tunnels2.test.ts) share: their captures' paths and skip reasons,
 * the decoded frames of a capture, the shape of one tunnel case, and the story of the tunnel lab (fixtures/lab
 * edge-tunnels and edge-tunnels2: the same Mosquitto and clients over IPv4 and IPv6, mirrored in each tunnel by
 * tunnelmirror.py), which every capture of it must tell whatever tunnel carried it. Not the tunnel-specific checks.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { analyzeCapture, type Analysis } from '../../src/index.js';
import { readCapture } from '../../src/capture/reader.js';
import { decodeFrame } from '../../src/decode/frame.js';
import type { DecodedFrame, Tunnel } from '../../src/decode/types.js';
import type { EventTunnel } from '../../src/model/events.js';
import type { TunnelSummary } from '../../src/model/summary.js';
import { fixturesDir } from './corpus.js';
import { diagnose } from './diagnose.js';
import { messageKeys, mqttOf, ourMessageKeys, sessionsEnded } from './events.js';
import { tsharkFields, tsharkMqtt } from './tshark.js';

/** The tunnels' outer endpoints (tunnelmirror.py). */
export const V4: [string, string] = ['192.168.70.1', '192.168.70.2'];
export const V6: [string, string] = ['fd70::1', 'fd70::2'];

export const edge = (name: string): string => path.join(fixturesDir, 'edge', name);

/** The skip reason of a test of fixtures/edge/NAME, made by the lab's `scenario`; undefined when it is there. */
export function missingEdge(name: string, scenario: string): string | undefined {
  return existsSync(edge(name)) ? undefined : `fixtures/edge/${name} not present (fixtures/lab/capture.sh --only ${scenario})`;
}

/** Every frame of `file`, decoded. */
export async function decodeAll(file: string): Promise<DecodedFrame[]> {
  const out: DecodedFrame[] = [];
  await readCapture(file, { frame: (f) => { out.push(decodeFrame(f)); }, notice: () => {} });
  return out;
}

/** `v` as tshark writes a hexadecimal field: 0x and at least `digits` digits. */
export function hex(v: number, digits = 4): string {
  return '0x' + v.toString(16).padStart(digits, '0');
}

/** Omit over each member of a union. */
export type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** One tunnel capture of the lab and what it must show. */
export interface TunnelCase {
  file: string;
  /** The tunnel every frame was carried in, as summary.tunnels lists it (its frames counted apart). */
  summary: Without<TunnelSummary, 'frames'> | undefined;
  /** What a TCP packet event's tunnel says (its src port varies for the tunnels over UDP, so it is not compared). */
  event: Without<EventTunnel, 'src'> | undefined;
  /** tshark's fields of the tunnel header, and ours of a decoded frame's tunnel, compared frame by frame. */
  fields: string[];
  mine: (t: Tunnel | undefined, f: DecodedFrame) => string[];
}

/**
 * A tunnel case's capture, analysed and decoded, with tshark's rows of `fields` (every occurrence, comma-separated),
 * one per frame; asserts that tshark finds the lab's 35 MQTT messages and we find each at its frame.
 */
export async function openTunnelCase(file: string, fields: string[]): Promise<{ a: Analysis; decoded: DecodedFrame[]; rows: string[][] }> {
  const a = await analyzeCapture(file);
  const theirs = messageKeys(tsharkMqtt(file));
  assert.equal(theirs.length, 35, 'tshark finds the lab\'s 35 MQTT messages');
  assert.deepEqual(ourMessageKeys(a), theirs);
  const decoded = await decodeAll(file);
  const rows = tsharkFields(file, ['frame.number', ...fields], ['-E', 'occurrence=a', '-E', 'aggregator=,']);
  assert.equal(rows.length, decoded.length);
  return { a, decoded, rows };
}

/**
 * What happened in the tunnel lab, whatever carried it: the inner connections and hosts (`outer`: addresses of the
 * tunnel's own hosts, not counted), 3 readings to sister/temp and 2 to sister/v6 (one retained, one QoS 2), each
 * forwarded to its subscriber, every client disconnected by itself, nothing to diagnose.
 */
export async function assertTunnelLabStory(file: string, a: Analysis, outer: readonly string[] = []): Promise<void> {
  assert.deepEqual(a.summary.tcp.listed.map((x) => x.server).sort(),
    ['172.18.0.2:1883', '172.18.0.2:1883', '[fd18::2]:1883', '[fd18::2]:1883', '[fd18::2]:1883']);
  assert.deepEqual(a.summary.hosts.map((h) => h.ip).filter((ip) => !ip.startsWith('fe80') && !ip.startsWith('ff02') && ip !== '::' && !outer.includes(ip)).sort(),
    ['172.18.0.2', '172.18.0.3', 'fd18::2', 'fd18::3']);
  const published = mqttOf(a).filter((e) => e.msgtype === 3);
  assert.deepEqual(published.map((e) => `${e.direction} ${e.topic}`).sort(), [
    'client sister/temp', 'client sister/temp', 'client sister/temp', 'client sister/v6', 'client sister/v6',
    'server sister/temp', 'server sister/temp', 'server sister/temp', 'server sister/v6', 'server sister/v6']);
  assert.deepEqual(sessionsEnded(a).map((e) => `${e.clientId} ${e.reason}`).sort(),
    ['lab-pub disconnect', 'lab-pub6 disconnect', 'lab-pub6b disconnect', 'lab-sub disconnect', 'lab-sub6 disconnect']);
  const codes = (await diagnose(file)).map((d) => d.code).filter((x) => x !== 'diag.harmless-teardown-retransmission');
  assert.deepEqual(codes, []);
}
