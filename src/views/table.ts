/**
 * Table view of the timeline (cli-table3): frame, time, source, destination, protocol, summary. Rows are printed in
 * batches with fixed column widths, so a live capture shows rows as they arrive and memory stays flat. A TCP data
 * segment whose bytes completed MQTT packets is shown as those MQTT rows (as Wireshark shows the top protocol).
 */
import Table from 'cli-table3';
import type { MqttEvent, TimelineEvent } from '../model/events.js';
import type { ChunkedWriter } from './output.js';
import { tableCell, tableStyle, type Style } from './style.js';

const BATCH = 200;

export interface TableViewOptions {
  /** Total width to fit (terminal columns, or 160 when not a terminal). */
  width: number;
  /** Print rows as soon as they are known (stdin). */
  live: boolean;
  style: Style;
}

function protocolOf(event: TimelineEvent): string {
  if (event.type === 'finding') return 'NOTE';
  switch (event.layer) {
    case 'arp': return 'ARP';
    case 'tcp': return 'TCP';
    case 'mqtt': return 'MQTT';
    case 'tls': return 'TLS';
    default: return event.type.toUpperCase().slice(0, 8);
  }
}

export class TableView {
  private rows: string[][] = [];
  private heldTcp: TimelineEvent | null = null;
  private headerPrinted = false;
  /** The table's bottom border, printed once at the end (not after every batch: a live table grows row by row). */
  private bottomBorder = '';
  private readonly widths: number[];

  constructor(private readonly out: ChunkedWriter, private readonly options: TableViewOptions) {
    const fixed = [8, 11, 24, 24, 7];
    const rest = Math.max(30, options.width - fixed.reduce((a, b) => a + b, 0) - 7);
    this.widths = [...fixed, rest];
  }

  event(event: TimelineEvent): void {
    if (this.heldTcp !== null) {
      const held = this.heldTcp;
      this.heldTcp = null;
      if (!(event.layer === 'mqtt' && event.frame === held.frame)) this.addRow(held);
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
    if (this.bottomBorder !== '') this.out.write(`${this.bottomBorder}\n`);
    this.bottomBorder = '';
  }

  private addRow(event: TimelineEvent): void {
    const { style } = this.options;
    let protocol = protocolOf(event);
    let summary = event.summary;
    if (event.type === 'finding') {
      const f = event as { severity: string; code: string };
      protocol = f.severity === 'error' ? style.paint('ERROR', 'red') : f.severity === 'warning' ? style.paint('WARN', 'yellow') : style.paint('NOTE', 'cyan');
      summary = `${f.code}: ${summary}`;
    } else if (event.layer === 'mqtt') {
      protocol = style.paint(protocol, 'green');
      const m = event as MqttEvent;
      if (m.frames.length > 1) summary += ` [frames ${m.frames.join(', ')}]`;
    } else if (event.layer === 'arp') {
      protocol = style.paint(protocol, 'yellow');
    } else if (event.layer === 'tcp') {
      const flagged = summary.startsWith('[');
      protocol = flagged ? style.paint(protocol, 'red') : style.paint(protocol, 'gray');
    }
    this.rows.push([String(event.frame), event.time.toFixed(6), tableCell(event.src, 64), tableCell(event.dst, 64), protocol, tableCell(summary)]);
    if (this.rows.length >= BATCH) this.flushRows();
  }

  private flushRows(): void {
    if (this.rows.length === 0) return;
    const table = new Table({
      head: this.headerPrinted ? [] : ['Frame', 'Time', 'Source', 'Destination', 'Proto', 'Summary'],
      colWidths: this.widths,
      wordWrap: true,
      wrapOnWordBoundary: false,
      style: tableStyle(this.options.style),
    });
    // MQTT packets held behind a TCP hole are emitted when it is settled, with their own earlier frame numbers:
    // within a batch, rows are put back in frame order (stable, so a frame's TCP row stays before its MQTT rows).
    const rows = this.rows.map((row, i) => ({ row, i, frame: Number(row[0]) }))
      .sort((a, b) => a.frame - b.frame || a.i - b.i);
    for (const { row } of rows) table.push(row);
    this.rows = [];
    let text = table.toString();
    const lastNewline = text.lastIndexOf('\n');
    this.bottomBorder = text.slice(lastNewline + 1);
    text = text.slice(0, lastNewline);
    if (this.headerPrinted) {
      // Continuation batch: drop the top border so batches read as one table.
      const firstNewline = text.indexOf('\n');
      text = text.slice(firstNewline + 1);
    }
    this.headerPrinted = true;
    this.out.write(`${text}\n`);
  }
}
