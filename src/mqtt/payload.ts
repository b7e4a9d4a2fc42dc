/**
 * Shows an application payload the way a person wants to read it: UTF-8 text when it is text, JSON when it parses
 * as JSON, hex otherwise. The real length is always kept. No decisions about truncation for display (views do that).
 * JSON is recognised by an exact grammar check on the bytes (RFC 8259, what JSON.parse accepts), without building the
 * value.
 */
import { isUtf8 } from 'node:buffer';
import type { MqttEvent, MqttPayload } from '../model/events.js';

/** Longest payload copied into an event as text or hex; longer ones are cut and flagged `incomplete`. */
export const MAX_PAYLOAD_KEPT = 64 * 1024;

// C0 controls other than TAB, LF, CR make "text" unreadable: show those payloads as binary.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Byte classes for the JSON check: 1 = JSON whitespace, 2 = may follow a backslash in a string. */
const WHITESPACE = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WHITESPACE[c] = 1;
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
/** Bytes a JSON string holds as they are and that are printable ASCII: not a control, DEL, a quote, a backslash or a
 * byte >= 0x80 (those are held as they are too, but noted: see `sawNonAscii`, `sawDel`). */
const STRING_PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x7f; c++) if (c !== 0x22 && c !== 0x5c) STRING_PLAIN[c] = 1;
const HEX_DIGIT = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 1;

function skipWhitespace(b: Buffer, i: number, end: number): number {
  while (i < end && WHITESPACE[b[i]!] === 1) i++;
  return i;
}

/** Set by the grammar check: a string of the text held a byte >= 0x80 (the text is ASCII when it did not). */
let sawNonAscii = false;
/** Set by the grammar check: a string of the text held DEL (valid JSON; a payload holding it is shown as binary). */
let sawDel = false;

/**
 * End of the JSON string starting at the quote `i`, or -1. Bytes >= 0x80 are taken as they are (the caller knows the
 * text is valid UTF-8, or checks it when `sawNonAscii` is set).
 */
function stringEnd(b: Buffer, i: number, end: number): number {
  i++;
  while (i < end) {
    while (i < end && STRING_PLAIN[b[i]!] === 1) i++;
    if (i >= end) return -1;
    const c = b[i]!;
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -1;
    if (c >= 0x7f) {
      if (c === 0x7f) sawDel = true;
      else sawNonAscii = true;
      i++;
      continue;
    }
    if (c === 0x5c) {
      const e = b[i + 1];
      if (e === undefined || i + 1 >= end) return -1;
      if (e === 0x75) {
        if (i + 6 > end || HEX_DIGIT[b[i + 2]!] !== 1 || HEX_DIGIT[b[i + 3]!] !== 1 || HEX_DIGIT[b[i + 4]!] !== 1 || HEX_DIGIT[b[i + 5]!] !== 1) return -1;
        i += 6;
      } else if (SIMPLE_ESCAPE[e] === 1) i += 2;
      else return -1;
    } else i++;
  }
  return -1;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** End of the JSON number at `i` (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?), or -1. */
function numberEnd(b: Buffer, i: number, end: number): number {
  if (b[i] === 0x2d) i++;
  if (i >= end) return -1;
  if (b[i] === 0x30) i++;
  else if (isDigit(b[i])) { while (i < end && isDigit(b[i])) i++; } else return -1;
  if (i < end && b[i] === 0x2e) {
    i++;
    if (i >= end || !isDigit(b[i])) return -1;
    while (i < end && isDigit(b[i])) i++;
  }
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < end && (b[i] === 0x2b || b[i] === 0x2d)) i++;
    if (i >= end || !isDigit(b[i])) return -1;
    while (i < end && isDigit(b[i])) i++;
  }
  return i;
}

function literalEnd(b: Buffer, i: number, end: number, word: string): number {
  if (i + word.length > end) return -1;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return -1;
  return i + word.length;
}

/**
 * Whether `b` (valid UTF-8) is one JSON text, exactly as JSON.parse decides: one value with optional whitespace around.
 * Iterative (an explicit stack of open containers), so any depth is judged like V8's parser does.
 */
export function isJsonText(b: Buffer): boolean {
  sawNonAscii = false;
  sawDel = false;
  return jsonGrammar(b);
}

/** Open containers of jsonGrammar (0x7b object, 0x5b array), reused: `depth` of them are in use. */
const open: number[] = [];

/** isJsonText's check, setting `sawNonAscii` and `sawDel` (which the caller clears). */
function jsonGrammar(b: Buffer): boolean {
  const end = b.length;
  let depth = 0;
  let i = skipWhitespace(b, 0, end);
  for (;;) {
    // A value at i.
    if (i >= end) return false;
    const c = b[i]!;
    if (c === 0x7b || c === 0x5b) {
      i = skipWhitespace(b, i + 1, end);
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (i < end && b[i] === close) {
        i++;
      } else {
        open[depth++] = c;
        if (c === 0x7b) {
          if (b[i] !== 0x22) return false;
          i = stringEnd(b, i, end);
          if (i < 0) return false;
          i = skipWhitespace(b, i, end);
          if (b[i] !== 0x3a || i >= end) return false;
          i = skipWhitespace(b, i + 1, end);
        }
        continue;
      }
    } else if (c === 0x22) {
      i = stringEnd(b, i, end);
    } else if (c === 0x74) {
      i = literalEnd(b, i, end, 'true');
    } else if (c === 0x66) {
      i = literalEnd(b, i, end, 'false');
    } else if (c === 0x6e) {
      i = literalEnd(b, i, end, 'null');
    } else if (c === 0x2d || isDigit(c)) {
      i = numberEnd(b, i, end);
    } else return false;
    if (i < 0) return false;
    // After a value: close containers or go to the next member / element.
    for (;;) {
      i = skipWhitespace(b, i, end);
      if (depth === 0) return i === end;
      const container = open[depth - 1];
      if (i >= end) return false;
      const d = b[i]!;
      if (d === 0x2c) {
        i = skipWhitespace(b, i + 1, end);
        if (container === 0x7b) {
          if (i >= end || b[i] !== 0x22) return false;
          i = stringEnd(b, i, end);
          if (i < 0) return false;
          i = skipWhitespace(b, i, end);
          if (i >= end || b[i] !== 0x3a) return false;
          i = skipWhitespace(b, i + 1, end);
        }
        break;
      }
      if (d !== (container === 0x7b ? 0x7d : 0x5d)) return false;
      depth--;
      i++;
    }
  }
}

/**
 * The descriptions of recent whole payloads of RECENT_MIN to RECENT_MAX bytes, direct-mapped on their length: a broker
 * forwards the very bytes its publisher sent, so a message's copies to its subscribers describe as its first one did
 * (on the bench capture about a third of the PUBLISH payloads equal one of the last 16). A hit is checked byte for
 * byte against a copy of the bytes, so the description is always the one describeBytes would make; the events then
 * share one description object (consumers read it, never change it). Its payload preview, made once, is kept with it
 * (recentPreview).
 */
const RECENT_SLOTS = 128;
const RECENT_MIN = 16;
const RECENT_MAX = 2048;
/** Each slot's bytes (RECENT_MAX apart, made on first use) and length (-1: empty). */
let recentStore: Uint8Array | undefined;
const recentLengths = new Int32Array(RECENT_SLOTS).fill(-1);
const recentDescriptions: Array<MqttPayload | undefined> = new Array<MqttPayload | undefined>(RECENT_SLOTS).fill(undefined);
const recentPreviews: Array<string | undefined> = new Array<string | undefined>(RECENT_SLOTS).fill(undefined);

export function describePayload(bytes: Buffer, realLength: number = bytes.length): MqttPayload {
  const n = bytes.length;
  if (n !== realLength || n < RECENT_MIN || n > RECENT_MAX) return describeBytes(bytes, realLength);
  const slot = n & (RECENT_SLOTS - 1);
  const store = recentStore ??= new Uint8Array(RECENT_SLOTS * RECENT_MAX);
  const base = slot * RECENT_MAX;
  if (recentLengths[slot] === n) {
    // Compared here, not with Buffer#equals: a native call costs more than this loop on payloads this short.
    let i = 0;
    while (i < n && store[base + i] === bytes[i]) i++;
    if (i === n) return recentDescriptions[slot]!;
  }
  const description = describeBytes(bytes, realLength);
  // A copy: `bytes` is a view of a read chunk, which must not be kept alive.
  store.set(bytes, base);
  recentLengths[slot] = n;
  recentDescriptions[slot] = description;
  recentPreviews[slot] = undefined;
  return description;
}

/** The preview made by `make` for `payload`, made once while its description is a recent one (see describePayload). */
export function recentPreview(payload: MqttPayload, make: (payload: MqttPayload) => string): string {
  const slot = payload.length & (RECENT_SLOTS - 1);
  if (recentDescriptions[slot] !== payload) return make(payload);
  return recentPreviews[slot] ??= make(payload);
}

/** describePayload without the recent descriptions (for tests comparing the two). */
export function describePayloadUncached(bytes: Buffer, realLength: number): MqttPayload {
  return describeBytes(bytes, realLength);
}

function describeBytes(bytes: Buffer, realLength: number): MqttPayload {
  const cut = bytes.length > MAX_PAYLOAD_KEPT ? bytes.subarray(0, MAX_PAYLOAD_KEPT) : bytes;
  const incomplete = cut.length < realLength;
  // JSON only when its first non-blank character can start an object, an array or a string. A JSON text holds no C0
  // control but its whitespace (TAB, LF, CR), so of the controls that make a payload binary only DEL can be in it (in
  // a string: the grammar check notes it). The check runs before the UTF-8 one, which only a text with a byte >= 0x80
  // then needs (an ASCII text is UTF-8).
  if (cut.length > 0 && !incomplete) {
    const first = cut[skipWhitespace(cut, 0, cut.length)];
    if (first === 0x7b || first === 0x5b || first === 0x22) {
      sawNonAscii = false;
      sawDel = false;
      if (jsonGrammar(cut) && !sawDel) {
        if (!sawNonAscii || isUtf8(cut)) return { length: realLength, format: 'json', text: cut.toString('utf8') };
        return { length: realLength, format: 'binary', hex: cut.toString('hex') };
      }
    }
  }
  if (cut.length > 0 && isUtf8(cut)) {
    const text = cut.toString('utf8');
    if (!CONTROL.test(text)) {
      return incomplete ? { length: realLength, format: 'text', text, incomplete } : { length: realLength, format: 'text', text };
    }
  }
  if (cut.length === 0 && realLength === 0) return { length: 0, format: 'text', text: '' };
  const hex = cut.toString('hex');
  return incomplete ? { length: realLength, format: 'binary', hex, incomplete } : { length: realLength, format: 'binary', hex };
}

/**
 * Text in a legacy 8-bit encoding: a binary payload (not UTF-8) whose bytes are printable ASCII, TAB, LF or CR except
 * for a few bytes of 0x80 and above (at least 3 printable ASCII bytes, at least three quarters of them), as a program
 * writes "Suhu: 28°C" in Latin-1 or Windows-1252 (the degree sign one byte, 0xb0; UTF-8 writes it c2 b0). The text
 * with those bytes and `\` written as `\xNN`, and the distinct bytes from 0xa0 up with the Latin-1 character each
 * stands for (0x80-0x9f differ between Latin-1 and Windows-1252: not named). Undefined for any other payload.
 */
export function legacyText(payload: MqttPayload): { text: string; latin1: Array<{ byte: string; char: string }> } | undefined {
  if (payload.format !== 'binary' || payload.hex === undefined || payload.hex.length < 6) return undefined;
  const bytes = Buffer.from(payload.hex, 'hex');
  let ascii = 0;
  let text = '';
  const latin1: Array<{ byte: string; char: string }> = [];
  for (const b of bytes) {
    if (b >= 0x20 && b < 0x7f) {
      ascii++;
      text += b === 0x5c ? '\\x5c' : String.fromCharCode(b);
    } else if (b === 0x09 || b === 0x0a || b === 0x0d) {
      ascii++;
      text += String.fromCharCode(b);
    } else if (b >= 0x80) {
      const byte = b.toString(16).padStart(2, '0');
      text += `\\x${byte}`;
      if (b >= 0xa0 && latin1.length < 5 && !latin1.some((x) => x.byte === byte)) latin1.push({ byte, char: String.fromCharCode(b) });
    } else return undefined;
  }
  if (ascii < 3 || ascii * 4 < bytes.length * 3) return undefined;
  return { text, latin1 };
}

/** A retained PUBLISH with an empty payload: it clears the topic's retained message (MQTT-3.3.1-10/11). */
export function clearsRetained(e: MqttEvent): boolean {
  return e.type === 'PUBLISH' && e.retain === true && e.payload !== undefined && e.payload.length === 0;
}

