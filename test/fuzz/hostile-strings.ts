/**
 * Hostile MQTT strings (client ids, topics, user names, payloads) and captures carrying them: text that tries to
 * inject Markdown structure (headings, table rows, links, images), HTML (script, img onerror), terminal control
 * sequences (ESC, CSI, OSC, BEL, C1), bidi overrides, line separators and zero-width characters. Used by
 * test/hostile-escape.test.ts and by the fuzz harness (a structure-aware generator of MQTT strings).
 * Does not: judge the output (the tests do).
 */
import { Conversation, mqttPacket, pcapFile, type PcapRecord } from './build.js';
import type { Rng } from './mutate.js';

/** Each is meant to be shown as text, never to act. */
export const HOSTILE_STRINGS: readonly string[] = [
  'x\r\n\r\n## All checks passed\r\n\r\n',
  'a\n# Injected heading\n',
  '![pixel](http://evil.example/p.png)',
  '[click me](javascript:alert(1))',
  '<script>document.body.appendChild(document.createElement("blink"))</script>',
  '<img src=x onerror="document.body.appendChild(document.createElement(\'marquee\'))">',
  '| forged | row | cells |',
  '<https://evil.example/autolink>',
  '`code` *em* _under_ ~~strike~~ **bold**',
  '&lt;script&gt; &#x3C;b&#x3E;',
  'setext\n===',
  '\u001b]0;window title\u0007\u001b[2J\u001b[31mred',
  'c1\u009b31mcsi\u0085nel\u008d',
  'bidi\u202eevil\u202c\u2066iso\u2069\u200f',
  'zero\u200bwidth\u200d\u2060\ufeffjoiners',
  'line\u2028separator\u2029paragraph',
  'tab\there\bbackspace\u007fdel',
];

/** Characters a string generator draws from: markup, controls, bidi and invisible characters, plain text. */
const ALPHABET = [
  '#', '|', '[', ']', '(', ')', '!', '<', '>', '`', '*', '_', '~', '&', ';', ':', '/', '\\', '"', "'", '=', '-',
  '\r', '\n', '\t', '\u0007', '\u001b', '\u001b[', '\u001b]', '\u0085', '\u009b', '\u009d', '\u202e', '\u2066',
  '\u2069', '\u200b', '\u200d', '\u2028', '\u2029', '\ufeff', '\u00ad', 'a', 'Z', '0', ' ', '中', 'é', 'e\u0301',
  'javascript:', 'http://evil.example/', '<script>', '</script>', '<img src=x onerror=', '## ', '![', '](',
];

/** A random hostile string of up to `max` pieces (structure-aware: markup tokens, not random bytes). */
export function hostileString(rng: Rng, max = 24): string {
  const n = 1 + rng.int(max);
  let s = '';
  for (let i = 0; i < n; i++) s += rng.pick(ALPHABET);
  return s;
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8').subarray(0, 65535);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
}

/** MQTT 3.1.1 CONNECT with a client id and a user name. */
export function connectWithUser(clientId: string, username: string): Buffer {
  return mqttPacket(0x10, Buffer.concat([str('MQTT'), Buffer.from([4, 0x82, 0, 60]), str(clientId), str(username)]));
}

/** QoS 0 PUBLISH. */
export function publish(topic: string, payload: string): Buffer {
  return mqttPacket(0x30, Buffer.concat([str(topic), Buffer.from(payload, 'utf8')]));
}

/**
 * A capture where each hostile string is a client id, a user name, a topic and a payload: one TCP connection per
 * string (CONNECT, CONNACK, PUBLISH, SUBSCRIBE to it, DISCONNECT), so that every table of every view shows them.
 */
export function hostileCapture(strings: readonly string[] = HOSTILE_STRINGS): Buffer {
  const records: PcapRecord[] = [];
  strings.forEach((s, i) => {
    const c = new Conversation({ ip: `10.0.${(i >> 8) & 255}.${(i & 255) + 1}`, port: 40000 + i }, { ip: '10.9.9.9', port: 1883 }, 1000, 5000, 1_700_000_000 + i);
    records.push(...c.handshake());
    records.push(c.clientData(connectWithUser(s, s)));
    records.push(c.serverData(Buffer.from([0x20, 0x02, 0x00, 0x00])));
    records.push(c.clientData(mqttPacket(0x82, Buffer.concat([Buffer.from([0, 1]), str(s.replace(/[#+\u0000]/g, '_')), Buffer.from([0])]))));
    records.push(c.serverData(Buffer.from([0x90, 0x03, 0x00, 0x01, 0x00])));
    records.push(c.clientData(publish(s.replace(/[#+\u0000]/g, '_'), s)));
    records.push(c.clientData(Buffer.from([0xe0, 0x00])));
  });
  return pcapFile(records);
}
