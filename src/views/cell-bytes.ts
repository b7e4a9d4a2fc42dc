/**
 * A table cell written straight into a row's bytes from its pieces (an MQTT summary line, writeMqttSummary), for the
 * unwrapped table: the line is never built as a string. It takes only what a cell shows as it is, one column per
 * character: printable ASCII and our three wide-looking words' characters (— → …), at most `max` of them; anything
 * else (a control, a character of another width, a cell to cut) ends it with `plain` false, and the caller writes the
 * line the general way (CellText), so the bytes are always those of the cleaned string. Does not pad or wrap.
 */
import type { SummaryWriter } from '../mqtt/summary.js';

const NO_BYTES = Buffer.alloc(0);

export class CellBytes implements SummaryWriter {
  /** Where the cell goes, and the end of what is written so far. */
  bytes: Buffer = NO_BYTES;
  at = 0;
  /** Characters written (the cell's width while `plain`). */
  units = 0;
  /** Everything written so far goes into a cell as it is. */
  plain = true;

  constructor(private readonly max: number) {}

  /** Starts a cell at `at` of `bytes`, which must have room for 3 bytes per character up to `max`. */
  start(bytes: Buffer, at: number): void {
    this.bytes = bytes;
    this.at = at;
    this.units = 0;
    this.plain = true;
  }

  text(piece: string): void {
    if (!this.plain) return;
    const n = piece.length;
    if (this.units + n > this.max) {
      this.plain = false;
      return;
    }
    this.units += n;
    const bytes = this.bytes;
    let at = this.at;
    for (let i = 0; i < n; i++) {
      const c = piece.charCodeAt(i);
      if (c >= 0x20 && c < 0x7f) {
        bytes[at++] = c;
      } else if (c === 0x2014 || c === 0x2192 || c === 0x2026) {
        // — → … in UTF-8: E2 80 94, E2 86 92, E2 80 A6.
        bytes[at++] = 0xe2;
        bytes[at++] = c === 0x2192 ? 0x86 : 0x80;
        bytes[at++] = c === 0x2014 ? 0x94 : c === 0x2192 ? 0x92 : 0xa6;
      } else {
        this.plain = false;
        return;
      }
    }
    this.at = at;
  }

  number(value: number): void {
    if (!(value >= 0 && value <= 0x7fffffff && (value | 0) === value)) {
      this.text(String(value));
      return;
    }
    let digits = 1;
    for (let v = value; v >= 10; v = (v / 10) | 0) digits++;
    if (!this.plain) return;
    if (this.units + digits > this.max) {
      this.plain = false;
      return;
    }
    this.units += digits;
    const bytes = this.bytes;
    let at = this.at + digits;
    this.at = at;
    let v = value;
    do {
      bytes[--at] = 0x30 + (v % 10);
      v = (v / 10) | 0;
    } while (v > 0);
  }
}
