/**
 * Text summary after the timeline: frames by protocol (with the frame accounting), hosts with IP and MAC, TCP
 * connections with state and handshake RTT, MQTT sessions, topics (published and delivered apart), latency per
 * request kind, findings by code. Tables are drawn by cli-table3. Given a width (a terminal's, or COLUMNS), every
 * line fits it: a table too wide has its widest columns narrowed and their cells wrapped at spaces, never inside a
 * word; a table that cannot fit so (more columns than the width holds whole words for) is shown one record per
 * block, field name beside value (as psql's expanded display); sentences wrap at spaces. Without a width (piped)
 * nothing wraps. Formatting only.
 */
import Table from 'cli-table3';
import { PROTOCOL_VERSIONS } from '../model/names.js';
import { emptyClientIdWords } from '../mqtt/empty-client-id.js';
import { formatMs } from '../model/names.js';
import type { AnalysisSummary, TopicSummary, TunnelSummary } from '../model/summary.js';
import { tableCell, tableStyle, type Style } from './style.js';
import { displayWidth, fitColumns, longestWord, wrapWords } from './text-layout.js';

const MAX_ROWS = 50;
/** Narrowest value column of a record block (a narrower terminal gets lines wider than itself). */
const MIN_RECORD_VALUE = 8;

function ms(value: number | undefined): string {
  return value === undefined ? '' : formatMs(value);
}

/** `text` wrapped at spaces to `width` columns (unchanged without a width). */
function wrap(text: string, width: number | undefined): string {
  if (width === undefined) return text;
  return wrapWords(text, displayWidth(text), width).map((l) => l.text).join('\n');
}

function table(head: string[], rows: string[][], style: Style, width: number | undefined): string {
  const cells = rows.slice(0, MAX_ROWS).map((row) => row.map((cell) => tableCell(cell, 256, 80)));
  const more = rows.length > MAX_ROWS ? `\n${wrap(`… ${rows.length - MAX_ROWS} more (see --format json)`, width)}` : '';
  if (width === undefined) return `${drawColumns(head, cells, style)}${more}\n`;
  const natural = head.map((h, i) => Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i]!))));
  const words = head.map((h, i) => Math.max(longestWord(h), ...cells.map((r) => longestWord(r[i]!))));
  // Borders and padding: "│ " before each column, " │" after the last one.
  const widths = fitColumns(natural, words, width - (3 * head.length + 1));
  if (widths === undefined) return `${drawRecords(head, cells, style, width)}${more}\n`;
  const laid = (text: string, i: number): string => (displayWidth(text) > widths[i]! ? wrap(text, widths[i]!) : text);
  return `${drawColumns(head.map(laid), cells.map((r) => r.map(laid)), style)}${more}\n`;
}

function drawColumns(head: string[], rows: string[][], style: Style): string {
  const t = new Table({ head, style: tableStyle(style) });
  for (const row of rows) t.push(row);
  return t.toString();
}

/** Each row as a block of "field │ value" lines, blocks apart by a rule. */
function drawRecords(head: string[], rows: string[][], style: Style, width: number): string {
  const keyWidth = Math.max(...head.map(displayWidth));
  const valueWidth = Math.max(MIN_RECORD_VALUE, width - keyWidth - 7);
  const t = new Table({ style: { ...tableStyle(style), compact: false } });
  for (const row of rows) {
    const keys: string[] = [];
    const values: string[] = [];
    row.forEach((value, i) => {
      const lines = wrapWords(value, displayWidth(value), valueWidth);
      lines.forEach((line, j) => {
        keys.push(j === 0 ? style.paint(head[i]!, 'bold') : '');
        values.push(line.text);
      });
    });
    t.push([keys.join('\n'), values.join('\n')]);
  }
  return t.toString();
}

/** The topics table's rate: messages per second over a meaningful span, else "—". */
function rate(t: TopicSummary): string {
  if (t.rate === undefined) return '—';
  return `${t.rate.perSecond.toFixed(2)}${t.rate.of === 'delivered' ? ' delivered' : ''}`;
}

/** The summary; `width`: the columns every line must fit (a terminal's width, or COLUMNS), undefined when piped. */
export function renderSummary(s: AnalysisSummary, style: Style, width?: number): string {
  const out: string[] = [];
  // Sections are separated by a blank line; the first starts the output (no blank line before it).
  const h = (title: string): void => { out.push(`${out.length === 0 ? '' : '\n'}${style.paint(title, 'bold')}\n`); };
  const f = s.frames;
  const skipped = Object.entries(f.skipped).map(([k, v]) => `${k} ${v}`).join(', ');
  h('Frames');
  out.push(`${wrap(`${f.read} read = ${f.decoded} decoded + ${f.undecodable} undecodable + ${Object.values(f.skipped).reduce((a, b) => a + b, 0)} skipped${skipped ? ` (${skipped})` : ''}; ${s.capture.format}${s.capture.gzip ? ' (gzip)' : ''}, ${s.capture.durationSeconds.toFixed(3)} s`, width)}\n`);
  out.push(table(['Protocol', 'Frames'], Object.entries(f.byProtocol).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, String(v)]), style, width));
  if (s.hosts.length > 0) {
    h('Hosts');
    out.push(table(['IP', 'MAC', 'Frames sent'], s.hosts.map((x) => [x.ip, x.mac ?? '', String(x.frames)]), style, width));
  }
  if (s.tunnels !== undefined && s.tunnels.length > 0) {
    h('Tunnels');
    out.push(table(['Tunnel', 'Between', 'Frames carried', 'Malformed'],
      s.tunnels.map((t) => [tunnelLabel(t), t.endpoints.join(' ↔ '), String(t.frames), String('malformed' in t ? t.malformed ?? 0 : 0)]), style, width));
  }
  if (s.tcp.connections > 0) {
    h('TCP connections');
    const t = s.tcp;
    out.push(`${wrap(`${t.connections} connection(s); retransmissions ${t.retransmissions}, out-of-order ${t.outOfOrder}, duplicate ACKs ${t.duplicateAcks}, lost segments ${t.lostSegments}${t.duplicatesAcrossInterfaces > 0 ? `, same packet on two interfaces ${t.duplicatesAcrossInterfaces}` : ''}`, width)}\n`);
    out.push(table(['Stream', 'Client', 'Server', 'Protocol', 'State', 'Handshake RTT ms', 'Bytes c→s', 'Bytes s→c'],
      t.listed.map((c) => [String(c.stream), c.client, c.server, c.protocol, c.state, ms(c.handshakeRttMs), String(c.bytesToServer), String(c.bytesToClient)]), style, width));
  }
  const m = s.mqtt;
  if (m.messages > 0) {
    h('MQTT');
    out.push(`${wrap(`${m.messages} message(s): ${Object.entries(m.byType).map(([k, v]) => `${k} ${v}`).join(', ')}`, width)}\n`);
    if (m.sessions.length > 0) {
      out.push(table(['Stream', 'Client', 'Client ID', 'Version', 'Keep-alive', 'Clean', 'User', 'Will', 'Accepted', 'Packets'],
        m.sessions.map((x) => [String(x.stream), x.client, x.clientId === '' ? `(${emptyClientIdWords(x.protocolVersion, x.cleanSession, x.accepted)})` : x.clientId ?? '', x.protocolVersion !== undefined ? `${PROTOCOL_VERSIONS[x.protocolVersion] ?? x.protocolVersion}${x.versionInferred ? ' (inferred)' : ''}` : '',
          x.keepAlive !== undefined ? `${x.keepAlive}s` : '', x.cleanSession === undefined ? '' : x.cleanSession ? 'yes' : 'no', x.username ?? '',
          x.willTopic ?? '', x.accepted === undefined ? '' : x.accepted ? 'yes' : `no (${x.connackCode})`, String(x.packets)]), style, width));
    }
    if (m.topics.length > 0) {
      out.push(table(['Topic', 'Published', 'Delivered', 'Bytes', 'QoS 0/1/2 pub+dlv', 'Rate /s', 'Publishers', 'Subscribers'],
        m.topics.map((t) => [t.topic, String(t.published), String(t.delivered), String(t.bytes), t.qos.join('/'), rate(t), [...t.publishers, ...(t.wills ?? []).map((id) => `Will of ${id}`)].join(' '), t.subscribers.join(' ')]), style, width));
    }
    const latency = Object.entries(m.latency);
    if (m.forwarding !== undefined) latency.push(['broker forwarding', m.forwarding]);
    if (m.requestResponse !== undefined) latency.push(['MQTT 5 request→response', m.requestResponse]);
    if (latency.length > 0) {
      out.push(table(['Latency', 'Count', 'Min ms', 'Median ms', 'p95 ms', 'Max ms'],
        latency.map(([k, v]) => [k, String(v.count), ms(v.minMs), ms(v.medianMs), ms(v.p95Ms), ms(v.maxMs)]), style, width));
    }
  }
  h('Findings');
  if (s.findings.total === 0) out.push('none\n');
  else out.push(table(['Code', 'Count'], Object.entries(s.findings.byCode).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, String(v)]), style, width));
  return out.join('');
}

/** How the summary's Tunnels table names a tunnel: "VXLAN VNI 42", "GRE key 1001", "ERSPAN type II session 7"... */
export function tunnelLabel(t: TunnelSummary): string {
  switch (t.kind) {
    case 'vxlan': return `VXLAN VNI ${t.vni}`;
    case 'vxlan-gpe': return `VXLAN-GPE VNI ${t.vni}`;
    case 'geneve': return `Geneve VNI ${t.vni}`;
    case 'gre': return t.callId !== undefined ? `PPTP GRE call ${t.callId}` : t.key === undefined ? 'GRE' : `GRE key ${t.key}`;
    case 'erspan': return `ERSPAN type ${'I'.repeat(t.type)}${t.session === undefined ? '' : ` session ${t.session}`}`;
    case 'ip-in-ip': return 'IP in IP';
    case 'mpls-in-udp': return 'MPLS in UDP';
  }
}
