/**
 * Test helper: runs tshark, the reference dissector, and returns its MQTT messages (one entry per MQTT PDU, from
 * PDML so that several messages in one frame stay apart) and its per-frame TCP facts.
 */
import { spawnSync } from 'node:child_process';
import { toolsSkip } from './tools.js';

/**
 * Why a tshark comparison is skipped (tshark not installed), or undefined when tshark is here, and in CI, where the
 * test then runs and fails: see ./tools.ts.
 */
export const tsharkMissing = toolsSkip(['tshark']);

export interface TsharkMqtt {
  frame: number;
  msgtype: number;
  msgid?: number;
  /** PUBLISH topic, or the comma-joined topic filters of SUBSCRIBE/UNSUBSCRIBE. */
  topic?: string;
}

function decodeAs(ports: number[]): string[] {
  return ports.flatMap((p) => ['-d', `tcp.port==${p},mqtt`]);
}

function unescapeXml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** tshark's MQTT messages; `ports`: more ports decoded as MQTT; `extra`: more tshark options (a key log, decode-as). */
export function tsharkMqtt(file: string, ports: number[] = [], extra: string[] = []): TsharkMqtt[] {
  const xml = runTshark(['-r', file, ...decodeAs(ports), ...extra, '-Y', 'mqtt', '-T', 'pdml']);
  const out: TsharkMqtt[] = [];
  for (const packet of xml.split('<packet>').slice(1)) {
    const frame = Number(/<field name="frame.number"[^>]*show="(\d+)"/.exec(packet)?.[1]);
    for (const proto of packet.split('<proto name="mqtt"').slice(1)) {
      const body = proto.split('<proto name=')[0]!;
      const msgtype = /<field name="mqtt.msgtype"[^>]*show="(\d+)"/.exec(body)?.[1];
      if (msgtype === undefined) continue;
      const entry: TsharkMqtt = { frame, msgtype: Number(msgtype) };
      const msgid = /<field name="mqtt.msgid"[^>]*show="(\d+)"/.exec(body)?.[1];
      if (msgid !== undefined) entry.msgid = Number(msgid);
      const topics = [...body.matchAll(/<field name="mqtt.topic"[^>]*show="([^"]*)"/g)].map((m) => unescapeXml(m[1]!));
      if (topics.length > 0) entry.topic = topics.join(',');
      out.push(entry);
    }
  }
  return out;
}

export interface TsharkTcp {
  frame: number;
  seq: number;
  ack: number;
  flags: number;
  len: number;
  retransmission: boolean;
}

export function tsharkFields(file: string, fields: string[], extra: string[] = []): string[][] {
  const text = runTshark(['-r', file, ...extra, '-T', 'fields', '-E', 'separator=\t', ...fields.flatMap((f) => ['-e', f])]);
  return text.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

/**
 * One record per frame, keyed by field name (first occurrence of each field, "" when absent), with tshark's stderr
 * discarded. Unlike tsharkFields it keeps what tshark printed when it exits non-zero (it does on a capture whose last
 * record is cut off, after printing every complete frame).
 */
export function tsharkRecords(file: string, fields: readonly string[], extra: string[] = []): Array<Record<string, string>> {
  // `extra` after the defaults, so that it may change them (a later -E wins).
  const args = ['-r', file, '-n', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=f', ...extra, ...fields.flatMap((f) => ['-e', f])];
  return runTshark(args).split('\n').filter((l) => l.length > 0).map((line) => {
    const cols = line.split('\t');
    const record: Record<string, string> = {};
    fields.forEach((f, i) => { record[f] = cols[i] ?? ''; });
    return record;
  });
}

/**
 * Runs tshark and returns its standard output. A file cut off in the middle of a record makes tshark exit 2 after
 * printing every earlier frame: that output is kept. Any other failure throws.
 */
export function runTshark(args: string[]): string {
  const result = spawnSync('tshark', args, { maxBuffer: 1 << 30, encoding: 'utf8' });
  const cutShort = result.status === 2 && /cut short in the middle of a packet/.test(result.stderr);
  if (result.error !== undefined || (result.status !== 0 && !cutShort)) {
    throw new Error(`tshark ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  }
  return result.stdout;
}
