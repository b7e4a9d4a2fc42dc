/**
 * Text summary after the timeline: frames by protocol (with the frame accounting), hosts with IP and MAC, TCP
 * connections with state and handshake RTT, MQTT sessions, topics, latency per request kind, findings by code.
 * Formatting only.
 */
import Table from 'cli-table3';
import { PROTOCOL_VERSIONS } from '../model/names.js';
import { formatMs } from '../mqtt/summary.js';
import type { AnalysisSummary } from '../analysis/summary.js';
import { tableCell, tableStyle, type Style } from './style.js';

const MAX_ROWS = 50;

function ms(value: number | undefined): string {
  return value === undefined ? '' : formatMs(value);
}

function table(head: string[], rows: string[][], style: Style): string {
  const t = new Table({ head, style: tableStyle(style) });
  for (const row of rows.slice(0, MAX_ROWS)) t.push(row.map((cell) => tableCell(cell, 256, 80)));
  const more = rows.length > MAX_ROWS ? `\n… ${rows.length - MAX_ROWS} more (see --format json)` : '';
  return `${t.toString()}${more}\n`;
}

export function renderSummary(s: AnalysisSummary, style: Style): string {
  const out: string[] = [];
  // Sections are separated by a blank line; the first starts the output (no blank line before it).
  const h = (title: string): void => { out.push(`${out.length === 0 ? '' : '\n'}${style.paint(title, 'bold')}\n`); };
  const f = s.frames;
  const skipped = Object.entries(f.skipped).map(([k, v]) => `${k} ${v}`).join(', ');
  h('Frames');
  out.push(`${f.read} read = ${f.decoded} decoded + ${f.undecodable} undecodable + ${Object.values(f.skipped).reduce((a, b) => a + b, 0)} skipped${skipped ? ` (${skipped})` : ''}; ${s.capture.format}${s.capture.gzip ? ' (gzip)' : ''}, ${s.capture.durationSeconds.toFixed(3)} s\n`);
  out.push(table(['Protocol', 'Frames'], Object.entries(f.byProtocol).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, String(v)]), style));
  if (s.hosts.length > 0) {
    h('Hosts');
    out.push(table(['IP', 'MAC', 'Frames sent'], s.hosts.map((x) => [x.ip, x.mac ?? '', String(x.frames)]), style));
  }
  if (s.tcp.connections > 0) {
    h('TCP connections');
    const t = s.tcp;
    out.push(`${t.connections} connection(s); retransmissions ${t.retransmissions}, out-of-order ${t.outOfOrder}, duplicate ACKs ${t.duplicateAcks}, lost segments ${t.lostSegments}${t.duplicatesAcrossInterfaces > 0 ? `, same packet on two interfaces ${t.duplicatesAcrossInterfaces}` : ''}\n`);
    out.push(table(['Stream', 'Client', 'Server', 'Protocol', 'State', 'Handshake RTT ms', 'Bytes c→s', 'Bytes s→c'],
      t.listed.map((c) => [String(c.stream), c.client, c.server, c.protocol, c.state, ms(c.handshakeRttMs), String(c.bytesToServer), String(c.bytesToClient)]), style));
  }
  const m = s.mqtt;
  if (m.messages > 0) {
    h('MQTT');
    out.push(`${m.messages} message(s): ${Object.entries(m.byType).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
    if (m.sessions.length > 0) {
      out.push(table(['Stream', 'Client', 'Client ID', 'Version', 'Keep-alive', 'Clean', 'User', 'Will', 'Accepted', 'Packets'],
        m.sessions.map((x) => [String(x.stream), x.client, x.clientId ?? '', x.protocolVersion !== undefined ? `${PROTOCOL_VERSIONS[x.protocolVersion] ?? x.protocolVersion}${x.versionInferred ? ' (inferred)' : ''}` : '',
          x.keepAlive !== undefined ? `${x.keepAlive}s` : '', x.cleanSession === undefined ? '' : x.cleanSession ? 'yes' : 'no', x.username ?? '',
          x.willTopic ?? '', x.accepted === undefined ? '' : x.accepted ? 'yes' : `no (${x.connackCode})`, String(x.packets)]), style));
    }
    if (m.topics.length > 0) {
      out.push(table(['Topic', 'Messages', 'Bytes', 'QoS 0/1/2', 'Rate /s', 'Publishers', 'Subscribers'],
        m.topics.map((t) => [t.topic, String(t.messages), String(t.bytes), t.qos.join('/'), t.ratePerSecond.toFixed(2), t.publishers.join(' '), t.subscribers.join(' ')]), style));
    }
    const latency = Object.entries(m.latency);
    if (m.forwarding !== undefined) latency.push(['broker forwarding', m.forwarding]);
    if (latency.length > 0) {
      out.push(table(['Latency', 'Count', 'Min ms', 'Median ms', 'p95 ms', 'Max ms'],
        latency.map(([k, v]) => [k, String(v.count), ms(v.minMs), ms(v.medianMs), ms(v.p95Ms), ms(v.maxMs)]), style));
    }
  }
  h('Findings');
  if (s.findings.total === 0) out.push('none\n');
  else out.push(table(['Code', 'Count'], Object.entries(s.findings.byCode).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, String(v)]), style));
  return out.join('');
}
