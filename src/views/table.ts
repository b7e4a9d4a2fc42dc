/**
 * Table view of the timeline: frame, time, source, destination, protocol, summary, streamed by a row formatter of
 * its own (cli-table3 stays for the summary's small tables: it measures every cell with regular expressions on every
 * line, far too slow for a timeline of a million rows). Each cell is cleaned and measured once.
 *
 * Rows are collected in batches (or until the CLI flushes a live capture) and put back in frame order within a
 * batch; the first batch sets the column widths from its content. On a terminal (`width` given: the terminal's
 * columns or COLUMNS) the table fits that width and cells wrap at spaces, a word being cut only when it alone is
 * wider than its column; piped (`width` undefined) nothing wraps and a column widens when a later row needs it.
 * A TCP data segment whose bytes completed MQTT packets is shown as those MQTT rows (as Wireshark shows the top
 * protocol). An MQTT packet's line is made here from its fields (writeMqttSummary), not read from its `summary`: the
 * pipeline leaves it out for the table (omitMqttSummaries). Formatting only: it does not analyse, sort across batches
 * or keep rows after printing them.
 *
 * Cost per row (the timeline of a 30 MB capture is about 200 000 rows): each cell is checked and measured in one
 * pass (./cell-text.ts; a long plain summary by one native scan, text that needs escaping the general way; unwrapped,
 * an MQTT line is encoded from its pieces as it is checked, ./cell-bytes.ts, with no string built), a row is
 * one object of strings and widths reused batch after batch, a frame's number and time are made once for all its rows, a batch already in frame
 * order is not sorted, and rows are encoded as UTF-8 straight into one byte buffer per batch (cells, padding and
 * borders: no row string to build, flatten and encode, so no garbage per row).
 */
import type { MqttEvent, TimelineEvent } from '../model/events.js';
import { lineOf, writeMqttSummary, type SummaryWriter } from '../mqtt/summary.js';
import { CellBytes } from './cell-bytes.js';
import { CellText, fixed6 } from './cell-text.js';
import type { ChunkedWriter } from './output.js';
import type { Style } from './style.js';
import { wrapWords, type LaidLine } from './text-layout.js';
import { putSurrogatePair } from './utf8.js';

const BATCH = 200;
const HEAD = ['Frame', 'Time', 'Source', 'Destination', 'Proto', 'Summary'];
const COLUMNS = HEAD.length;
const SUMMARY = 5;
/** Narrowest summary column on a terminal, and narrowest address columns when the terminal is too narrow. */
const MIN_SUMMARY = 20;
const MIN_ADDRESS = 9;
/** Cells are cut ("…") beyond this many characters. */
const MAX_CELL = 2048;

type Colour = Parameters<Style['paint']>[1];

export interface TableViewOptions {
  /** Columns to fit (a terminal's width, or COLUMNS); undefined: do not wrap (output to a pipe or a file). */
  width: number | undefined;
  /** Print rows as soon as they are known (stdin). */
  live: boolean;
  style: Style;
}

/** One row: its cleaned cell texts and their display widths, the protocol cell's colour. */
interface Row {
  frame: number;
  order: number;
  colour: Colour | undefined;
  frameText: string;
  time: string;
  src: string;
  srcWidth: number;
  dst: string;
  dstWidth: number;
  protocol: string;
  text: string;
  textWidth: number;
  /**
   * Unwrapped, an MQTT packet's line is already encoded in the batch's line bytes, from `lineStart` to `lineEnd`
   * (both -1 when the line is `text`).
   */
  lineStart: number;
  lineEnd: number;
}

function protocolOf(layer: TimelineEvent['layer'], type: string): string {
  // The common layers first (an MQTT packet, a TCP segment).
  if (layer === 'mqtt') return 'MQTT';
  if (layer === 'tcp') return 'TCP';
  if (layer === 'arp') return 'ARP';
  if (layer === 'tls') return 'TLS';
  return OTHER_PROTOCOLS[type] ?? type.toUpperCase().slice(0, 10);
}

/** Wireshark's names of the protocols of frames that are neither ARP nor TCP. */
const OTHER_PROTOCOLS: Record<string, string> = { icmpv6: 'ICMPv6', icmp: 'ICMP', udp: 'UDP', dns: 'DNS', igmp: 'IGMP', ipv4: 'IPv4', ipv6: 'IPv6' };

const SPACES: string[] = [''];
/** `n` spaces (none for n <= 0), each length made once. */
function spaces(n: number): string {
  if (n <= 0) return '';
  return SPACES[n] ??= ' '.repeat(n);
}

/** The cells of a row as the general (wrapping) layout takes them. */
function cellsOf(row: Row): LaidLine[] {
  return [
    { text: row.frameText, width: row.frameText.length }, { text: row.time, width: row.time.length },
    { text: row.src, width: row.srcWidth }, { text: row.dst, width: row.dstWidth },
    { text: row.protocol, width: row.protocol.length }, { text: row.text, width: row.textWidth },
  ];
}

/**
 * Appends `text` to `bytes` from `at` as UTF-8, exactly as Buffer.write encodes it (a lone surrogate becomes U+FFFD),
 * and returns the end. `bytes` must have room for 3 bytes per UTF-16 unit of `text`.
 */
export function putUtf8(bytes: Uint8Array, at: number, text: string): number {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes[at++] = c;
    } else if (c < 0x800) {
      bytes[at++] = 0xc0 | (c >> 6);
      bytes[at++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      bytes[at++] = 0xe0 | (c >> 12);
      bytes[at++] = 0x80 | ((c >> 6) & 0x3f);
      bytes[at++] = 0x80 | (c & 0x3f);
    } else {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        at = putSurrogatePair(bytes, at, c, next);
        i++;
      } else {
        bytes[at++] = 0xef;
        bytes[at++] = 0xbf;
        bytes[at++] = 0xbd;
      }
    }
  }
  return at;
}

/**
 * putUtf8 for one cell: a long text (a summary) by Buffer's own encoder, several times faster than the loop above
 * once a text is longer than a label (measured on 65-character summaries); a short one by the loop (no native call).
 */
function putCell(bytes: Buffer, at: number, text: string): number {
  return text.length > 24 ? at + bytes.write(text, at) : putUtf8(bytes, at, text);
}

/** Appends from[start, end) and returns the end. */
function putRange(bytes: Uint8Array, at: number, from: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) bytes[at++] = from[i]!;
  return at;
}

/** Appends `count` spaces (none for count <= 0) and returns the end. */
function putSpaces(bytes: Uint8Array, at: number, count: number): number {
  for (let i = 0; i < count; i++) bytes[at++] = 0x20;
  return at;
}

/** Appends the bytes of `piece` (a border, already encoded) and returns the end. */
function putBytes(bytes: Uint8Array, at: number, piece: Uint8Array): number {
  for (let i = 0; i < piece.length; i++) bytes[at++] = piece[i]!;
  return at;
}

/** Writes an MQTT packet's line as the table shows it: its summary, and its frames when it spans several. */
function writeMqttLine(event: MqttEvent, w: SummaryWriter): void {
  writeMqttSummary(event, w);
  const frames = event.frames;
  if (frames.length > 1) {
    w.text(' [frames ');
    for (let i = 0; i < frames.length; i++) {
      if (i > 0) w.text(', ');
      w.number(frames[i]!);
    }
    w.text(']');
  }
}

/** The MQTT packet's line as a string (on a terminal, or to clean when it does not go into a cell as it is). */
function mqttLine(event: MqttEvent): string {
  return lineOf(event, writeMqttLine);
}

function sortedByFrame(rows: Row[]): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i]!.frame < rows[i - 1]!.frame) return false;
  return true;
}

export class TableView {
  /** The batch's rows are the first `count`; the objects beyond are kept for reuse. */
  private readonly rows: Row[] = [];
  private count = 0;
  private order = 0;
  private heldTcp: TimelineEvent | null = null;
  private widths: number[] | undefined;
  /** Widest content of each column in the rows not yet printed. */
  private readonly content = HEAD.map((h) => h.length);
  private readonly cellText = new CellText(MAX_CELL);
  private readonly cellBytes = new CellBytes(MAX_CELL);
  /** The batch's MQTT lines, encoded as their rows are added (unwrapped table), and the end of those written. */
  private lineBytes = Buffer.allocUnsafeSlow(64 * 1024);
  private lineEnd = 0;
  /** The last row's frame and time, and their cell texts. */
  private lastFrame = -1;
  private lastFrameText = '';
  private lastTime = NaN;
  private lastTimeText = '';
  private readonly border: (s: string) => string;
  private readonly bar: string;
  /** " │ ": between two cells. */
  private readonly between: string;
  /** "│ ": before the first cell. */
  private readonly lead: string;
  /** A batch's rows, encoded here and written at once (no string per row: see flushRows). */
  private bytes = Buffer.allocUnsafeSlow(64 * 1024);
  /** The borders of an unwrapped row, encoded: before the first cell, between two cells, after the last. */
  private readonly leadBytes: Uint8Array;
  private readonly betweenBytes: Uint8Array;
  private readonly lastBytes: Uint8Array;

  constructor(private readonly out: ChunkedWriter, private readonly options: TableViewOptions) {
    const { style } = options;
    this.border = style.enabled ? (s) => style.paint(s, 'gray') : (s) => s;
    this.bar = this.border('│');
    this.between = ` ${this.bar} `;
    this.lead = `${this.bar} `;
    this.leadBytes = Buffer.from(this.lead);
    this.betweenBytes = Buffer.from(this.between);
    this.lastBytes = Buffer.from(options.width === undefined ? '\n' : ` ${this.bar}\n`);
  }

  event(event: TimelineEvent): void {
    if (this.heldTcp !== null) {
      const held = this.heldTcp;
      this.heldTcp = null;
      if (!(event.kind === 'packet' && event.layer === 'mqtt' && event.frame === held.frame)) this.addRow(held);
    }
    if (event.layer === 'tcp' && event.type === 'DATA') {
      this.heldTcp = event;
      return;
    }
    this.addRow(event);
  }

  /** Prints the rows known so far (the CLI calls it after each chunk of a live capture). */
  flushLive(): void {
    if (this.options.live) this.flushRows();
  }

  end(): void {
    if (this.heldTcp !== null) this.addRow(this.heldTcp);
    this.heldTcp = null;
    this.flushRows();
    if (this.widths !== undefined) this.out.write(`${this.rule('└', '┴', '┘')}\n`);
  }

  private addRow(event: TimelineEvent): void {
    let protocol: string;
    let summary = event.summary;
    let colour: Colour | undefined;
    let mqtt: MqttEvent | undefined;
    const kind = event.kind;
    const layer = event.layer;
    if (kind === 'finding') {
      protocol = event.severity === 'error' ? 'ERROR' : event.severity === 'warning' ? 'WARN' : 'NOTE';
      colour = event.severity === 'error' ? 'red' : event.severity === 'warning' ? 'yellow' : 'cyan';
      summary = `${event.code}: ${summary}`;
    } else if (kind === 'lifecycle') {
      protocol = protocolOf(layer, event.type);
      colour = 'gray';
    } else if (event.layer === 'mqtt') {
      protocol = 'MQTT';
      colour = 'green';
      mqtt = event;
      // Unwrapped, the line is encoded from the fields below; on a terminal it is made as a string, to measure and wrap it.
      summary = this.options.width === undefined ? '' : mqttLine(event);
    } else if (layer === 'tcp') {
      protocol = 'TCP';
      colour = summary.charCodeAt(0) === 0x5b /* [ */ ? 'red' : 'gray';
    } else {
      protocol = protocolOf(layer, event.type);
      if (layer === 'arp') colour = 'yellow';
    }
    const cellText = this.cellText;
    // A frame's rows (its TCP row, its MQTT packets, the findings it raised) share its number and time: made once.
    const frame = event.frame;
    if (frame !== this.lastFrame) {
      this.lastFrame = frame;
      this.lastFrameText = String(frame);
    }
    const frameText = this.lastFrameText;
    const seconds = event.time;
    if (seconds !== this.lastTime) {
      this.lastTime = seconds;
      this.lastTimeText = fixed6(seconds);
    }
    const time = this.lastTimeText;
    const src = cellText.address(event.src);
    const srcWidth = cellText.width;
    const dst = cellText.address(event.dst);
    const dstWidth = cellText.width;
    let lineStart = -1;
    let lineEnd = -1;
    let text: string;
    let textWidth: number;
    if (mqtt !== undefined && this.options.width === undefined) {
      // Encoded now, while the recent payload's preview is at hand; the row's other cells wait for the batch's widths.
      const end = this.encodeMqttLine(mqtt);
      if (end >= 0) {
        lineStart = this.lineEnd;
        lineEnd = this.lineEnd = end;
        text = '';
        textWidth = this.cellBytes.units;
      } else {
        text = cellText.clean(mqttLine(mqtt));
        textWidth = cellText.width;
      }
    } else {
      text = cellText.clean(summary);
      textWidth = cellText.width;
    }
    const content = this.content;
    if (frameText.length > content[0]!) content[0] = frameText.length;
    if (time.length > content[1]!) content[1] = time.length;
    if (srcWidth > content[2]!) content[2] = srcWidth;
    if (dstWidth > content[3]!) content[3] = dstWidth;
    if (protocol.length > content[4]!) content[4] = protocol.length;
    if (textWidth > content[5]!) content[5] = textWidth;
    // The batch's row objects are reused from batch to batch (no garbage per row).
    const rows = this.rows;
    const n = this.count;
    let row = rows[n];
    if (row === undefined) {
      row = { frame, order: 0, colour, frameText, time, src, srcWidth, dst, dstWidth, protocol, text, textWidth, lineStart, lineEnd };
      rows.push(row);
    } else {
      row.frame = frame;
      row.colour = colour;
      row.frameText = frameText;
      row.time = time;
      row.src = src;
      row.srcWidth = srcWidth;
      row.dst = dst;
      row.dstWidth = dstWidth;
      row.protocol = protocol;
      row.text = text;
      row.textWidth = textWidth;
      row.lineStart = lineStart;
      row.lineEnd = lineEnd;
    }
    row.order = this.order++;
    this.count = n + 1;
    if (n + 1 >= BATCH) this.flushRows();
  }

  /** Column widths from the first batch (and, piped, widened by later ones). */
  private layout(): number[] {
    const content = this.content.slice();
    for (let i = 0; i < COLUMNS; i++) this.content[i] = HEAD[i]!.length;
    const total = this.options.width;
    if (total === undefined) {
      const previous = this.widths;
      return previous === undefined ? content : content.map((w, i) => Math.max(w, previous[i]!));
    }
    if (this.widths !== undefined) return this.widths;
    // On a terminal: fixed columns as wide as their content, the summary takes the rest (borders: 3 per column + 1).
    const widths = content;
    const fixed = (): number => widths.slice(0, SUMMARY).reduce((a, b) => a + b, 0) + 3 * COLUMNS + 1;
    while (total - fixed() < MIN_SUMMARY && Math.max(widths[2]!, widths[3]!) > MIN_ADDRESS) {
      if (widths[2]! >= widths[3]!) widths[2]! -= 1;
      else widths[3]! -= 1;
    }
    widths[SUMMARY] = Math.max(MIN_SUMMARY, total - fixed());
    return widths;
  }

  private rule(left: string, middle: string, right: string): string {
    const widths = this.widths!;
    const open = this.options.width === undefined;
    const parts = widths.map((w, i) => '─'.repeat(open && i === SUMMARY ? HEAD[SUMMARY]!.length + 2 : w + 2));
    return this.border(`${left}${parts.join(middle)}${open ? '' : right}`);
  }

  private flushRows(): void {
    const count = this.count;
    if (count === 0) return;
    // MQTT packets held behind a TCP hole are emitted when it is settled, with their own earlier frame numbers:
    // within a batch, rows are put back in frame order (stable, so a frame's TCP row stays before its MQTT rows).
    // The row objects stay in this.rows for the next batch; a partial batch is sorted in place at its head.
    const rows = count === this.rows.length ? this.rows : this.rows.slice(0, count);
    if (!sortedByFrame(rows)) {
      rows.sort((a, b) => a.frame - b.frame || a.order - b.order);
      if (rows !== this.rows) for (let i = 0; i < count; i++) this.rows[i] = rows[i]!;
    }
    this.count = 0;
    const first = this.widths === undefined;
    this.widths = this.layout();
    let text = '';
    if (first) {
      const { style } = this.options;
      text += `${this.rule('┌', '┬', '┐')}\n`;
      text += this.line(HEAD.map((h) => ({ text: h, width: h.length })), (s) => (style.enabled ? style.paint(s, 'bold') : s));
      text += `${this.rule('├', '┼', '┤')}\n`;
      this.out.write(text);
    }
    const widths = this.widths;
    const w0 = widths[0]!;
    const w1 = widths[1]!;
    const w2 = widths[2]!;
    const w3 = widths[3]!;
    const w4 = widths[4]!;
    const w5 = widths[5]!;
    const open = this.options.width === undefined;
    const { style } = this.options;
    const painted = style.enabled;
    const lead = this.leadBytes;
    const between = this.betweenBytes;
    const last = this.lastBytes;
    const lines = this.lineBytes;
    // Each row is encoded straight into `bytes` (cells, padding, borders) rather than concatenated into a string
    // that Buffer.write would then flatten and encode: no string and no garbage per row. Exactly the same bytes.
    const fixed = lead.length + 5 * between.length + last.length + w0 + w1 + w2 + w3 + w4 + (open ? 0 : w5) + 32;
    let bytes = this.bytes;
    let at = 0;
    for (const row of rows) {
      // A cell wider than its column (on a terminal only) wraps: the general layout.
      const wraps = !open && (row.srcWidth > w2 || row.dstWidth > w3 || row.textWidth > w5 || row.frameText.length > w0
        || row.time.length > w1 || row.protocol.length > w4);
      const text = wraps ? this.wrappedRow(row) : '';
      const protocol = !wraps && painted && row.colour !== undefined ? style.paint(row.protocol, row.colour) : row.protocol;
      // At most 3 bytes per UTF-16 unit.
      const room = 3 * (wraps ? text.length : row.frameText.length + row.time.length + row.src.length + row.dst.length
        + protocol.length + row.text.length) + (row.lineEnd - row.lineStart) + fixed;
      if (at + room > bytes.length) {
        this.out.writeBytes(bytes, at);
        at = 0;
        if (room > bytes.length) bytes = this.bytes = Buffer.allocUnsafeSlow(room * 2);
      }
      if (wraps) {
        at = putCell(bytes, at, text);
        continue;
      }
      at = putBytes(bytes, at, lead);
      at = putUtf8(bytes, at, row.frameText);
      at = putSpaces(bytes, at, w0 - row.frameText.length);
      at = putBytes(bytes, at, between);
      at = putUtf8(bytes, at, row.time);
      at = putSpaces(bytes, at, w1 - row.time.length);
      at = putBytes(bytes, at, between);
      at = putUtf8(bytes, at, row.src);
      at = putSpaces(bytes, at, w2 - row.srcWidth);
      at = putBytes(bytes, at, between);
      at = putUtf8(bytes, at, row.dst);
      at = putSpaces(bytes, at, w3 - row.dstWidth);
      at = putBytes(bytes, at, between);
      at = putUtf8(bytes, at, protocol);
      at = putSpaces(bytes, at, w4 - row.protocol.length);
      at = putBytes(bytes, at, between);
      at = row.lineStart >= 0 ? putRange(bytes, at, lines, row.lineStart, row.lineEnd) : putCell(bytes, at, row.text);
      if (!open) at = putSpaces(bytes, at, w5 - row.textWidth);
      at = putBytes(bytes, at, last);
    }
    if (at > 0) this.out.writeBytes(bytes, at);
    this.lineEnd = 0;
  }

  /**
   * Encodes an MQTT packet's line (and its frames when it spans several) at the end of the batch's line bytes,
   * straight from its pieces, and returns its end; -1 when it does not go into a cell as it is (to clean it).
   */
  private encodeMqttLine(event: MqttEvent): number {
    const at = this.lineEnd;
    // At most 3 bytes per character of a cell, and MAX_CELL characters.
    if (at + 3 * MAX_CELL > this.lineBytes.length) {
      const grown = Buffer.allocUnsafeSlow(2 * (at + 3 * MAX_CELL));
      this.lineBytes.copy(grown, 0, 0, at);
      this.lineBytes = grown;
    }
    const w = this.cellBytes;
    w.start(this.lineBytes, at);
    writeMqttLine(event, w);
    return w.plain ? w.at : -1;
  }

  /** A row with a cell wider than its column: cells wrapped at spaces, one printed line per line of the tallest. */
  private wrappedRow(row: Row): string {
    const widths = this.widths!;
    const cells = cellsOf(row);
    let height = 1;
    const laid: LaidLine[][] = [];
    for (let i = 0; i < COLUMNS; i++) {
      const c = cells[i]!;
      const lines = c.width > widths[i]! ? wrapWords(c.text, c.width, widths[i]!) : [c];
      laid.push(lines);
      if (lines.length > height) height = lines.length;
    }
    const colour = row.colour !== undefined && this.options.style.enabled ? row.colour : undefined;
    let text = '';
    for (let j = 0; j < height; j++) text += this.line(laid.map((l) => l[j] ?? { text: '', width: 0 }), undefined, colour);
    return text;
  }

  /** One printed line of cells, padded to the column widths; the protocol cell coloured, headings styled. */
  private line(cells: LaidLine[], heading?: (s: string) => string, colour?: Colour): string {
    const widths = this.widths!;
    const bar = this.bar;
    const open = this.options.width === undefined;
    let s = bar;
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i]!;
      let text = heading !== undefined ? heading(c.text) : c.text;
      if (i === 4 && colour !== undefined && c.text !== '') text = this.options.style.paint(text, colour);
      if (i === SUMMARY && open) {
        s += ` ${text}`;
      } else {
        s += ` ${text}${spaces(widths[i]! - c.width)} ${bar}`;
      }
    }
    return `${s}\n`;
  }
}
