/**
 * One NDJSON line per event, encoded by hand straight to UTF-8 bytes: the same bytes as `jsonStringify(event)`
 * (./escape.ts) followed by a newline, without building the line as a string (JSON.stringify's result, the
 * extra-escapes pass over it, then its encoding by Buffer.write).
 *
 * How it stays identical: it walks the event's own keys in their order, as JSON.stringify does, and writes each value
 * by its type with JSON.stringify's rules (numbers as String() writes them, non-finite ones as null; undefined
 * omitted in objects, null in arrays; strings with JSON.stringify's escapes plus escape.ts's extra ones). There is no
 * list of fields to fall out of date: a field added to an event is written like any other. Anything JSON.stringify
 * would treat specially (a toJSON method, a class instance, a function, symbol or bigint, deep nesting) sends the
 * whole event to jsonStringify instead. test/ndjson-line.test.ts compares every event of every fixture and corpus
 * capture, and strings of every code unit, with jsonStringify.
 *
 * Does not: choose what is written (the view does), or know any event kind.
 */
import type { TimelineEvent } from '../model/events.js';
import { isJsonExtraEscape, jsonStringify } from './escape.js';
import { putSurrogatePair } from './utf8.js';

/** Deeper than this, the event goes to jsonStringify (events nest three levels at most). */
const MAX_DEPTH = 16;
/** Distinct keys kept with their encoded prefix (keys come from the code; detail records may add a few). */
const MAX_CACHED_KEYS = 1024;

/** Longer strings with nothing to escape are encoded natively (one test, Buffer.write), not code unit by code unit. */
const LONG_STRING = 24;
const INITIAL_BUFFER = 64 * 1024;
const LARGEST_KEPT_BUFFER = 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const HEX = '0123456789abcdef';
/** JSON.stringify's short escapes of C0 controls (0 where it writes \u00XX). */
const SHORT_ESCAPE = new Uint8Array(0x20);
SHORT_ESCAPE[0x08] = 0x62; // \b
SHORT_ESCAPE[0x09] = 0x74; // \t
SHORT_ESCAPE[0x0a] = 0x6e; // \n
SHORT_ESCAPE[0x0c] = 0x66; // \f
SHORT_ESCAPE[0x0d] = 0x72; // \r


/** How each UTF-16 code unit is written in a JSON string: as it is (1, 2 or 3 bytes of UTF-8), backslash and a
 * character (`\"`, `\\`, `\n`...), `\uXXXX`, or as a surrogate. */
const PLAIN_1 = 1;
const PLAIN_2 = 2;
const PLAIN_3 = 3;
const BACKSLASHED = 4;
const UNICODE_ESCAPED = 5;
const SURROGATE = 6;
// From U+2070 on only the surrogates and U+FEFF (isJsonExtraEscape) are not PLAIN_3: filled, not looped, at load
// (the loop over all 64 K code units cost a tiny capture's run a few milliseconds).
const EXTRA_ESCAPES_END = 0x2070;
const CODE_CLASS = new Uint8Array(0x10000).fill(PLAIN_3, EXTRA_ESCAPES_END).fill(SURROGATE, 0xd800, 0xe000);
CODE_CLASS[0xfeff] = UNICODE_ESCAPED;
for (let code = 0; code < EXTRA_ESCAPES_END; code++) {
  CODE_CLASS[code] = code < 0x20 ? (SHORT_ESCAPE[code] !== 0 ? BACKSLASHED : UNICODE_ESCAPED)
    : code === QUOTE || code === BACKSLASH ? BACKSLASHED
    : isJsonExtraEscape(code) ? UNICODE_ESCAPED
    : code < 0x80 ? PLAIN_1
    : code < 0x800 ? PLAIN_2
    : code >= 0xd800 && code <= 0xdfff ? SURROGATE
    : PLAIN_3;
}

/** A code unit that is not written as it is (the classes above other than PLAIN_*). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]/;

/** A key's `,"name":` encoded (written from byte 1 for an object's first member), and the key that last came after
 * it: objects of one kind list the same keys in the same order, so the next key is most often that one (one string
 * comparison instead of a lookup). */
interface EncodedKey {
  readonly name: string;
  readonly prefix: Uint8Array;
  next: EncodedKey | undefined;
}

/** A value this writer does not handle: the event then goes to jsonStringify whole. */
class Unhandled extends Error {}
const UNHANDLED = new Unhandled('not a plain JSON value');
/** `lineInto`'s target has no room for the line. */
const FULL = new Unhandled('no room in the target');

export class NdjsonLineWriter {
  /** The writer's own buffer, for `line`; grows as needed (a line is kept whole). */
  private own: Buffer = Buffer.allocUnsafeSlow(INITIAL_BUFFER);
  /** Where the line is being written: `own`, or `lineInto`'s target. */
  private bytes: Buffer = this.own;
  private length = 0;
  /** Writing into `lineInto`'s target, which does not grow. */
  private fixed = false;
  /** Each key seen, encoded. */
  private readonly keys = new Map<string, EncodedKey>();
  /** Before the first key of an event, and of an object inside one. */
  private readonly eventStart: EncodedKey = { name: '', prefix: new Uint8Array(0), next: undefined };
  private readonly nestedStart: EncodedKey = { name: '', prefix: new Uint8Array(0), next: undefined };

  /**
   * The event as one line, JSON text and newline, encoded as UTF-8: `bytes` from 0 to the returned length (valid
   * until the next call).
   */
  line(event: TimelineEvent): number {
    // A huge line (a payload of megabytes) does not keep its buffer.
    if (this.own.length > LARGEST_KEPT_BUFFER) this.own = Buffer.allocUnsafeSlow(INITIAL_BUFFER);
    this.bytes = this.own;
    this.length = 0;
    try {
      this.object(event as unknown as Record<string, unknown>, 0);
    } catch (error) {
      if (error !== UNHANDLED) throw error;
      this.length = 0;
      this.text(jsonStringify(event));
    }
    this.reserve(1);
    this.bytes[this.length++] = 0x0a;
    return this.length;
  }

  /**
   * The event's line written straight into `target` from `start` (an output chunk: no copy of the line); returns its
   * end, or -1 when the line may not fit in the room left (nothing meaningful is then written past `start`) or is not
   * one this writer encodes itself: `line` then gives it.
   */
  lineInto(event: TimelineEvent, target: Buffer, start: number): number {
    this.bytes = target;
    this.length = start;
    this.fixed = true;
    try {
      this.object(event as unknown as Record<string, unknown>, 0);
      this.reserve(1);
      target[this.length++] = 0x0a;
      return this.length;
    } catch (error) {
      if (error !== UNHANDLED && error !== FULL) throw error;
      return -1;
    } finally {
      this.fixed = false;
      this.bytes = this.own;
    }
  }

  /** The buffer `line` wrote to. */
  get buffer(): Uint8Array {
    return this.own;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    if (this.fixed) throw FULL;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const bigger = Buffer.allocUnsafeSlow(size);
    this.bytes.copy(bigger, 0, 0, this.length);
    this.bytes = bigger;
    this.own = bigger;
  }

  private object(record: Record<string, unknown>, depth: number): void {
    if (Object.getPrototypeOf(record) !== Object.prototype || depth > MAX_DEPTH) throw UNHANDLED;
    this.reserve(1);
    this.bytes[this.length++] = 0x7b; // {
    let first = true;
    let previous = depth === 0 ? this.eventStart : this.nestedStart;
    for (const name in record) {
      const value = record[name];
      if (value === undefined) continue;
      if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') throw UNHANDLED;
      let key = previous.next;
      if (key === undefined || key.name !== name) {
        key = this.encodedKey(name);
        previous.next = key;
      }
      this.key(key.prefix, first);
      this.value(value, depth);
      previous = key;
      first = false;
    }
    this.reserve(1);
    this.bytes[this.length++] = 0x7d; // }
  }

  private array(items: unknown[], depth: number): void {
    if (Object.getPrototypeOf(items) !== Array.prototype || depth > MAX_DEPTH) throw UNHANDLED;
    this.reserve(1);
    this.bytes[this.length++] = 0x5b; // [
    for (let i = 0; i < items.length; i++) {
      if (i > 0) {
        this.reserve(1);
        this.bytes[this.length++] = COMMA;
      }
      const value = items[i];
      if (value === undefined) this.ascii('null');
      else this.value(value, depth);
    }
    this.reserve(1);
    this.bytes[this.length++] = 0x5d; // ]
  }

  private value(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'number':
        this.number(value);
        return;
      case 'string':
        this.string(value);
        return;
      case 'boolean':
        this.ascii(value ? 'true' : 'false');
        return;
      case 'object':
        if (value === null) this.ascii('null');
        else if (Array.isArray(value)) this.array(value as unknown[], depth + 1);
        else this.object(value as Record<string, unknown>, depth + 1);
        return;
      default:
        throw UNHANDLED;
    }
  }

  private encodedKey(name: string): EncodedKey {
    let key = this.keys.get(name);
    if (key === undefined) {
      key = { name, prefix: Buffer.from(`,${jsonStringify(name)}:`), next: undefined };
      if (this.keys.size < MAX_CACHED_KEYS) this.keys.set(name, key);
    }
    return key;
  }

  /** `,"name":` (without the comma for an object's first member). */
  private key(prefix: Uint8Array, first: boolean): void {
    this.reserve(prefix.length);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = first ? 1 : 0; i < prefix.length; i++) bytes[at++] = prefix[i]!;
    this.length = at;
  }

  /**
   * A number as JSON.stringify writes it (String(n); -0 as 0; NaN and infinities as null). Integers and numbers with
   * at most six decimals (times in seconds, to the microsecond) are written digit by digit: for |n| < 1e9 a double is
   * the nearest one to exactly one decimal of six places, whose digits, trailing zeros cut, are then String(n)'s
   * shortest round-trip form (fewer places would be another decimal, more places more digits). Others: String(n).
   */
  private number(value: number): void {
    if (value >= 0 && value <= Number.MAX_SAFE_INTEGER && Math.floor(value) === value) {
      this.reserve(16);
      this.length = writeDigits(this.bytes, this.length, value);
      return;
    }
    const magnitude = value < 0 ? -value : value;
    if (magnitude < 1e9) {
      const micros = Math.round(magnitude * 1e6);
      if (micros / 1e6 === magnitude) {
        this.reserve(18);
        const bytes = this.bytes;
        let at = this.length;
        if (value < 0) bytes[at++] = 0x2d; // -
        // Both below 2^31: int32 arithmetic.
        const whole = Math.floor(micros / 1e6) | 0;
        let fraction = (micros - whole * 1e6) | 0;
        at = writeDigits(bytes, at, whole);
        if (fraction !== 0) {
          bytes[at++] = 0x2e; // .
          let places = 6;
          let next = (fraction / 10) | 0;
          while (fraction === next * 10) {
            fraction = next;
            next = (fraction / 10) | 0;
            places--;
          }
          const end = at + places;
          for (let i = end - 1; i >= at; i--) {
            next = (fraction / 10) | 0;
            bytes[i] = 0x30 + fraction - next * 10;
            fraction = next;
          }
          at = end;
        }
        this.length = at;
        return;
      }
    }
    this.ascii(Number.isFinite(value) ? `${value}` : 'null');
  }

  /** Text known to be ASCII (numbers, literals). */
  private ascii(text: string): void {
    this.reserve(text.length);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** JSON text already escaped (jsonStringify's output): encoded as Buffer.write does. */
  private text(text: string): void {
    this.reserve(text.length * 3);
    this.length += this.bytes.write(text, this.length);
  }

  /**
   * A string as jsonStringify writes it: quoted; `"` and `\` backslash-escaped; C0 controls as \b \t \n \f \r or
   * \u00XX; lone surrogates as \uXXXX (a pair is one character, 4 bytes of UTF-8); escape.ts's extra escapes as
   * \uXXXX; everything else as UTF-8.
   */
  private string(value: string): void {
    const count = value.length;
    if (count > LONG_STRING && !NEEDS_ESCAPE.test(value)) {
      // Nothing to escape: encoded natively between the quotes.
      this.reserve(count * 3 + 2);
      const bytes = this.bytes;
      bytes[this.length++] = QUOTE;
      this.length += bytes.write(value, this.length);
      bytes[this.length++] = QUOTE;
      return;
    }
    // Worst case: 6 bytes per code unit (\uXXXX), plus the quotes.
    this.reserve(count * 6 + 2);
    const bytes = this.bytes;
    let at = this.length;
    bytes[at++] = QUOTE;
    // Printable ASCII, `"` and `\` (all of a typical topic, label, summary or JSON payload text) without the table:
    // the first other code unit goes on with the general loop below.
    let i = 0;
    for (; i < count; i++) {
      const code = value.charCodeAt(i);
      if (code < 0x20 || code >= 0x7f) break;
      if (code === QUOTE || code === BACKSLASH) bytes[at++] = BACKSLASH;
      bytes[at++] = code;
    }
    for (; i < count; i++) {
      const code = value.charCodeAt(i);
      switch (CODE_CLASS[code]) {
        case PLAIN_1:
          bytes[at++] = code;
          break;
        case PLAIN_2:
          bytes[at++] = 0xc0 | (code >> 6);
          bytes[at++] = 0x80 | (code & 0x3f);
          break;
        case PLAIN_3:
          bytes[at++] = 0xe0 | (code >> 12);
          bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
          bytes[at++] = 0x80 | (code & 0x3f);
          break;
        case BACKSLASHED:
          bytes[at++] = BACKSLASH;
          bytes[at++] = code < 0x20 ? SHORT_ESCAPE[code]! : code;
          break;
        case UNICODE_ESCAPED:
          bytes[at++] = BACKSLASH;
          at = unicodeEscape(bytes, at, code);
          break;
        default: {
          // A surrogate: a pair is one character (4 bytes of UTF-8), a lone one is escaped.
          const low = i + 1 < count ? value.charCodeAt(i + 1) : 0;
          if (code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
            at = putSurrogatePair(bytes, at, code, low);
            i++;
          } else {
            bytes[at++] = BACKSLASH;
            at = unicodeEscape(bytes, at, code);
          }
        }
      }
    }
    bytes[at++] = QUOTE;
    this.length = at;
  }

}

/** The decimal digits of a non-negative safe integer at `at`; returns the end. Written from the last digit back. */
function writeDigits(bytes: Uint8Array, at: number, value: number): number {
  if (value < 10) {
    bytes[at] = 0x30 + value;
    return at + 1;
  }
  if (value > 0x7fffffff) {
    // Above 2^31: `%` and an exact division (value - digit is a multiple of ten, below 2^53).
    const end = at + digitCount(value);
    let rest = value;
    for (let i = end - 1; i >= at; i--) {
      const digit = rest % 10;
      bytes[i] = 0x30 + digit;
      rest = (rest - digit) / 10;
    }
    return end;
  }
  // int32 arithmetic.
  const end = at + digitCount(value);
  let rest = value | 0;
  for (let i = end - 1; i > at; i--) {
    const next = (rest / 10) | 0;
    bytes[i] = 0x30 + rest - next * 10;
    rest = next;
  }
  bytes[at] = 0x30 + rest;
  return end;
}

/** How many decimal digits a non-negative safe integer has. */
function digitCount(value: number): number {
  if (value < 1e5) return value < 10 ? 1 : value < 100 ? 2 : value < 1e3 ? 3 : value < 1e4 ? 4 : 5;
  if (value < 1e10) return value < 1e6 ? 6 : value < 1e7 ? 7 : value < 1e8 ? 8 : value < 1e9 ? 9 : 10;
  let count = 10;
  let limit = 1e10;
  while (value >= limit && count < 16) {
    count++;
    limit *= 10;
  }
  return count;
}

/** `uXXXX` (lowercase hex, as JSON.stringify and escape.ts write it) after a backslash already written. */
function unicodeEscape(bytes: Uint8Array, at: number, code: number): number {
  bytes[at++] = 0x75; // u
  bytes[at++] = HEX.charCodeAt(code >> 12);
  bytes[at++] = HEX.charCodeAt((code >> 8) & 0xf);
  bytes[at++] = HEX.charCodeAt((code >> 4) & 0xf);
  bytes[at++] = HEX.charCodeAt(code & 0xf);
  return at;
}
