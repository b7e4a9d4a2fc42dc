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
 * protocol). Formatting only: it does not analyse, sort across batches or keep rows after printing them.
 */
import type { TimelineEvent } from '../model/events.js';
import type { ChunkedWriter } from './output.js';
import { tableCell, type Style } from './style.js';
import { displayWidth, wrapWords, type LaidLine } from './text-layout.js';

const BATCH = 200;
const HEAD = ['Frame', 'Time', 'Source', 'Destination', 'Proto', 'Summary'];
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

/** One row: cleaned cell texts, their display widths, the protocol cell's colour. */
interface Row {
  frame: number;
  order: number;
  cells: string[];
  widths: number[];
  colour: Colour | undefined;
}

function protocolOf(event: TimelineEvent): string {
  switch (event.layer) {
    case 'arp': return 'ARP';
    case 'tcp': return 'TCP';
    case 'mqtt': return 'MQTT';
    case 'tls': return 'TLS';
    default: return OTHER_PROTOCOLS[event.type] ?? event.type.toUpperCase().slice(0, 10);
  }
}

/** Wireshark's names of the protocols of frames that are neither ARP nor TCP. */
const OTHER_PROTOCOLS: Record<string, string> = { icmpv6: 'ICMPv6', icmp: 'ICMP', udp: 'UDP', igmp: 'IGMP', ipv4: 'IPv4', ipv6: 'IPv6' };

function cell(text: string): [string, number] {
  const clean = tableCell(text, MAX_CELL, MAX_CELL);
  return [clean, displayWidth(clean)];
}

const SPACES: string[] = [];
function spaces(n: number): string {
  if (n <= 0) return '';
  return SPACES[n] ??= ' '.repeat(n);
}

export class TableView {
  private rows: Row[] = [];
  private order = 0;
  private heldTcp: TimelineEvent | null = null;
  private widths: number[] | undefined;
  private readonly border: (s: string) => string;
  private readonly bar: string;

  constructor(private readonly out: ChunkedWriter, private readonly options: TableViewOptions) {
    const { style } = options;
    this.border = style.enabled ? (s) => style.paint(s, 'gray') : (s) => s;
    this.bar = this.border('│');
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
    let protocol = protocolOf(event);
    let summary = event.summary;
    let colour: Colour | undefined;
    if (event.kind === 'finding') {
      protocol = event.severity === 'error' ? 'ERROR' : event.severity === 'warning' ? 'WARN' : 'NOTE';
      colour = event.severity === 'error' ? 'red' : event.severity === 'warning' ? 'yellow' : 'cyan';
      summary = `${event.code}: ${summary}`;
    } else if (event.layer === 'mqtt') {
      colour = 'green';
      if ('frames' in event && event.frames.length > 1) summary += ` [frames ${event.frames.join(', ')}]`;
    } else if (event.layer === 'arp') {
      colour = 'yellow';
    } else if (event.layer === 'tcp') {
      colour = summary.startsWith('[') ? 'red' : 'gray';
    }
    const frame = String(event.frame);
    const time = event.time.toFixed(6);
    const [src, srcWidth] = cell(event.src);
    const [dst, dstWidth] = cell(event.dst);
    const [text, textWidth] = cell(summary);
    this.rows.push({
      frame: event.frame, order: this.order++, colour,
      cells: [frame, time, src, dst, protocol, text],
      widths: [frame.length, time.length, srcWidth, dstWidth, protocol.length, textWidth],
    });
    if (this.rows.length >= BATCH) this.flushRows();
  }

  /** Column widths from the first batch (and, piped, widened by later ones). */
  private layout(rows: Row[]): number[] {
    const content = HEAD.map((h) => h.length);
    for (const row of rows) for (let i = 0; i < content.length; i++) content[i] = Math.max(content[i]!, row.widths[i]!);
    const total = this.options.width;
    if (total === undefined) {
      const previous = this.widths;
      return previous === undefined ? content : content.map((w, i) => Math.max(w, previous[i]!));
    }
    if (this.widths !== undefined) return this.widths;
    // On a terminal: fixed columns as wide as their content, the summary takes the rest (borders: 3 per column + 1).
    const widths = content.slice();
    const fixed = (): number => widths.slice(0, SUMMARY).reduce((a, b) => a + b, 0) + 3 * HEAD.length + 1;
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
    if (this.rows.length === 0) return;
    // MQTT packets held behind a TCP hole are emitted when it is settled, with their own earlier frame numbers:
    // within a batch, rows are put back in frame order (stable, so a frame's TCP row stays before its MQTT rows).
    const rows = this.rows.sort((a, b) => a.frame - b.frame || a.order - b.order);
    this.rows = [];
    const first = this.widths === undefined;
    this.widths = this.layout(rows);
    let text = '';
    if (first) {
      const { style } = this.options;
      text += `${this.rule('┌', '┬', '┐')}\n`;
      text += this.line(HEAD.map((h) => ({ text: h, width: h.length })), (s) => (style.enabled ? style.paint(s, 'bold') : s));
      text += `${this.rule('├', '┼', '┤')}\n`;
    }
    for (const row of rows) {
      text += this.renderRow(row);
      if (text.length > 64 * 1024) {
        this.out.write(text);
        text = '';
      }
    }
    this.out.write(text);
  }

  private renderRow(row: Row): string {
    const widths = this.widths!;
    const wrap = this.options.width !== undefined;
    let height = 1;
    const laid: LaidLine[][] = [];
    for (let i = 0; i < widths.length; i++) {
      const lines = wrap && row.widths[i]! > widths[i]! ? wrapWords(row.cells[i]!, row.widths[i]!, widths[i]!) : [{ text: row.cells[i]!, width: row.widths[i]! }];
      laid.push(lines);
      if (lines.length > height) height = lines.length;
    }
    const colour = row.colour;
    const { style } = this.options;
    if (height === 1) return this.line(laid.map((l) => l[0]!), undefined, colour !== undefined && style.enabled ? colour : undefined);
    let text = '';
    for (let j = 0; j < height; j++) {
      text += this.line(laid.map((l) => l[j] ?? { text: '', width: 0 }), undefined, colour !== undefined && style.enabled ? colour : undefined);
    }
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
