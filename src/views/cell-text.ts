/**
 * A table cell's text made safe and measured in one pass over its characters, without a regular expression: text
 * that needs nothing done to it (no control, bidi, invisible or surrogate character, not longer than the cap) is
 * kept as it is and its display width returned; anything else goes the general way (tableCell, then displayWidth),
 * so the result is always exactly theirs. Does not wrap, pad or colour.
 */
import { tableCell } from './style.js';
import { bmpWidth, displayWidth } from './text-layout.js';

/**
 * Display width of `text` when it can go into a cell as it is (at most `max` UTF-16 units, nothing to escape, no
 * surrogate), else -1.
 */
export function plainCellWidth(text: string, max: number): number {
  const n = text.length;
  if (n > max) return -1;
  let width = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      width += 1;
    } else if (c < 0x300) {
      // C0 (tab and line breaks included), DEL, C1, soft hyphen: escaped or replaced.
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0xad) return -1;
      width += 1;
    } else {
      // Bidi, separators, invisible characters and surrogates: the general way.
      if (c === 0x61c || c === 0x180e || (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e)
        || (c >= 0x2060 && c <= 0x2069 && c !== 0x2065) || c === 0xfeff || (c >= 0xd800 && c <= 0xdfff)) return -1;
      width += bmpWidth(c);
    }
  }
  return width;
}

/**
 * `seconds.toFixed(6)`, the time cell, without toFixed's general decimal conversion when the answer is certain: the
 * nearest whole number of microseconds is taken from `seconds * 1e6` (one rounding, off by at most 1/512 below 10^7 s)
 * unless that product is within 0.01 of a half, where toFixed's exact rule decides. Negative, huge or non-finite
 * times go to toFixed too.
 */
export function fixed6(seconds: number): string {
  if (seconds >= 0 && seconds < 1e7) {
    const micros = seconds * 1e6;
    const whole = Math.round(micros);
    const off = micros - whole;
    if (off < 0.49 && off > -0.49) {
      const secs = Math.floor(whole / 1e6);
      // 1e6 + the microseconds, less its leading "1": always six digits.
      return `${secs}.${String(whole - secs * 1e6 + 1e6).slice(1)}`;
    }
  }
  return seconds.toFixed(6);
}

/** Text plainCellWidth keeps as it is with one column per UTF-16 unit (printable ASCII, U+2014 —, U+2192 →, U+2026 …). */
const NARROW_PLAIN = /^[\x20-\x7e\u2014\u2192\u2026]*$/;

/** The cell text of `text`, capped at `max` units ("…"), and its display width (in `width` of the last call). */
export class CellText {
  /** Display width of the text the last `clean` returned. */
  width = 0;

  constructor(private readonly max: number) {}

  /** The last two addresses cleaned, and their cell texts and widths (a connection's rows repeat them). */
  private lastA = '';
  private cleanA = '';
  private widthA = 0;
  private lastB = '';
  private cleanB = '';
  private widthB = 0;

  /** clean(), remembering the last two texts: for a connection's addresses, the same strings row after row. */
  address(text: string): string {
    if (text === this.lastA && text !== '') {
      this.width = this.widthA;
      return this.cleanA;
    }
    if (text === this.lastB && text !== '') {
      this.width = this.widthB;
      return this.cleanB;
    }
    const clean = this.clean(text);
    this.lastB = this.lastA;
    this.cleanB = this.cleanA;
    this.widthB = this.widthA;
    this.lastA = text;
    this.cleanA = clean;
    this.widthA = this.width;
    return clean;
  }

  clean(text: string): string {
    // A long text (a summary line) of printable ASCII and the three wide-looking but one-column characters of our own
    // words (— → …): as it is, one column per character; one native scan instead of the loop below.
    if (text.length > 24 && text.length <= this.max && NARROW_PLAIN.test(text)) {
      this.width = text.length;
      return text;
    }
    const plain = plainCellWidth(text, this.max);
    if (plain >= 0) {
      this.width = plain;
      return text;
    }
    const clean = tableCell(text, this.max, this.max);
    this.width = displayWidth(clean);
    return clean;
  }
}
