/**
 * Markdown report: what the capture shows, told in order the way a lab report tells it (ARP, TCP handshake, MQTT
 * CONNECT/CONNACK, SUBSCRIBE, PUBLISH and the broker's forwarding, TCP ACKs, closing), then the tables.
 * English or Bahasa Indonesia. It keeps only the first KEY_EVENTS notable events, so memory stays bounded.
 */
import { PROTOCOL_VERSIONS } from '../model/names.js';
import type { MqttEvent, TcpEvent, TimelineEvent } from '../model/events.js';
import type { AnalysisSummary } from '../analysis/summary.js';
import { escapeMarkdown } from './escape.js';

export const KEY_EVENTS = 400;

type Lang = 'en' | 'id';

const T = {
  en: {
    title: 'MQTT capture report', file: 'File', overview: 'Overview', story: 'What the capture shows',
    frames: (n: number, d: string) => `${n} frames over ${d} s.`,
    arp: (n: number) => `**ARP**: ${n} ARP packet(s); the hosts resolve each other's MAC addresses before talking.`,
    handshake: (n: number, rtt: string) => `**TCP three-way handshake**: ${n} connection(s) opened with SYN, SYN-ACK, ACK${rtt ? ` (handshake RTT ${rtt})` : ''}.`,
    mqtt: (n: number, types: string) => `**MQTT**: ${n} control packet(s): ${types}.`,
    acks: (n: number) => `**TCP ACKs**: ${n} pure acknowledgement(s) confirm the data segments.`,
    retrans: (r: number, o: number, d: number) => r + o + d === 0 ? 'No retransmission, out-of-order segment or duplicate ACK: the transfer was clean.'
      : `${r} retransmission(s), ${o} out-of-order segment(s), ${d} duplicate ACK(s).`,
    timeline: 'Timeline (notable events)', sessions: 'MQTT sessions', topics: 'Topics', latency: 'Latency', findings: 'Findings', none: 'none',
    cols: { frame: 'Frame', time: 'Time (s)', src: 'Source', dst: 'Destination', proto: 'Protocol', what: 'Summary' },
    more: (n: number) => `… and ${n} more events (use --format json for all).`,
  },
  id: {
    title: 'Laporan capture MQTT', file: 'Berkas', overview: 'Ringkasan', story: 'Apa yang ditunjukkan capture',
    frames: (n: number, d: string) => `${n} frame selama ${d} detik.`,
    arp: (n: number) => `**ARP**: ${n} paket ARP; host saling mencari alamat MAC sebelum berkomunikasi.`,
    handshake: (n: number, rtt: string) => `**TCP three-way handshake**: ${n} koneksi dibuka dengan SYN, SYN-ACK, ACK${rtt ? ` (RTT handshake ${rtt})` : ''}.`,
    mqtt: (n: number, types: string) => `**MQTT**: ${n} paket kontrol: ${types}.`,
    acks: (n: number) => `**TCP ACK**: ${n} acknowledgement murni mengonfirmasi segmen data.`,
    retrans: (r: number, o: number, d: number) => r + o + d === 0 ? 'Tidak ada retransmisi, segmen out-of-order, atau duplicate ACK: pengiriman berjalan bersih.'
      : `${r} retransmisi, ${o} segmen out-of-order, ${d} duplicate ACK.`,
    timeline: 'Linimasa (peristiwa penting)', sessions: 'Sesi MQTT', topics: 'Topik', latency: 'Latensi', findings: 'Temuan', none: 'tidak ada',
    cols: { frame: 'Frame', time: 'Waktu (s)', src: 'Sumber', dst: 'Tujuan', proto: 'Protokol', what: 'Keterangan' },
    more: (n: number) => `… dan ${n} peristiwa lain (gunakan --format json untuk semuanya).`,
  },
} as const;

/** Text from the capture in a table cell or a sentence: inert Markdown (./escape.ts). */
function cell(text: string): string {
  return escapeMarkdown(text);
}

/** Keeps the notable events for the report: everything except plain TCP data and ACK segments, up to KEY_EVENTS. */
export class KeyEventCollector {
  readonly events: TimelineEvent[] = [];
  dropped = 0;
  pureAcks = 0;

  add(event: TimelineEvent): void {
    if (event.layer === 'tcp') {
      const t = event as TcpEvent;
      if (t.type === 'ACK' && t.handshakeRttMs === undefined) { this.pureAcks++; if (t.retransmission !== true && t.duplicateAck !== true) return; }
      if (t.type === 'DATA' && t.retransmission !== true && t.outOfOrder !== true) return;
    }
    if (this.events.length < KEY_EVENTS) this.events.push(event);
    else this.dropped++;
  }
}

export function renderMarkdown(file: string, summary: AnalysisSummary, key: KeyEventCollector, lang: Lang): string {
  const t = T[lang];
  const s = summary;
  const lines: string[] = [`# ${t.title}`, '', `${t.file}: ${cell(file)}`, '', `## ${t.story}`, ''];
  lines.push(`- ${t.frames(s.frames.read, s.capture.durationSeconds.toFixed(3))}`);
  const arp = s.frames.byProtocol['arp'] ?? 0;
  if (arp > 0) lines.push(`- ${t.arp(arp)}`);
  const handshakes = s.tcp.listed.filter((c) => c.handshakeRttMs !== undefined);
  if (handshakes.length > 0) {
    const rtts = handshakes.map((c) => `${c.handshakeRttMs!.toFixed(3)} ms`).slice(0, 5).join(', ');
    lines.push(`- ${t.handshake(handshakes.length, rtts)}`);
  }
  if (s.mqtt.messages > 0) lines.push(`- ${t.mqtt(s.mqtt.messages, Object.entries(s.mqtt.byType).map(([k, v]) => `${k} ${v}`).join(', '))}`);
  if (key.pureAcks > 0) lines.push(`- ${t.acks(key.pureAcks)}`);
  lines.push(`- ${t.retrans(s.tcp.retransmissions, s.tcp.outOfOrder, s.tcp.duplicateAcks)}`);
  lines.push('', `## ${t.timeline}`, '', `| ${t.cols.frame} | ${t.cols.time} | ${t.cols.src} | ${t.cols.dst} | ${t.cols.proto} | ${t.cols.what} |`, '|---:|---:|---|---|---|---|');
  for (const e of key.events) {
    const proto = e.type === 'finding' ? 'NOTE' : e.layer.toUpperCase();
    lines.push(`| ${e.frame} | ${e.time.toFixed(6)} | ${cell(e.src)} | ${cell(e.dst)} | ${proto} | ${cell(e.summary)} |`);
  }
  if (key.dropped > 0) lines.push('', t.more(key.dropped));
  if (s.mqtt.sessions.length > 0) {
    lines.push('', `## ${t.sessions}`, '', '| Stream | Client | Client ID | MQTT | Keep-alive | Clean | Accepted |', '|---:|---|---|---|---:|---|---|');
    for (const x of s.mqtt.sessions) {
      lines.push(`| ${x.stream} | ${cell(x.client)} | ${cell(x.clientId ?? '')} | ${x.protocolVersion !== undefined ? PROTOCOL_VERSIONS[x.protocolVersion] ?? x.protocolVersion : ''}${x.versionInferred ? ' (inferred)' : ''} | ${x.keepAlive ?? ''} | ${x.cleanSession ?? ''} | ${x.accepted ?? ''} |`);
    }
  }
  if (s.mqtt.topics.length > 0) {
    lines.push('', `## ${t.topics}`, '', '| Topic | Messages | Bytes | QoS 0/1/2 | Publishers | Subscribers |', '|---|---:|---:|---|---|---|');
    for (const x of s.mqtt.topics.slice(0, 100)) {
      lines.push(`| ${cell(x.topic)} | ${x.messages} | ${x.bytes} | ${x.qos.join('/')} | ${cell(x.publishers.join(' '))} | ${cell(x.subscribers.join(' '))} |`);
    }
  }
  const latency = Object.entries(s.mqtt.latency);
  if (s.mqtt.forwarding !== undefined) latency.push(['broker forwarding', s.mqtt.forwarding]);
  if (latency.length > 0) {
    lines.push('', `## ${t.latency}`, '', '| Kind | Count | Min ms | Median ms | p95 ms | Max ms |', '|---|---:|---:|---:|---:|---:|');
    for (const [k, v] of latency) lines.push(`| ${cell(k)} | ${v.count} | ${v.minMs.toFixed(3)} | ${v.medianMs.toFixed(3)} | ${v.p95Ms.toFixed(3)} | ${v.maxMs.toFixed(3)} |`);
  }
  lines.push('', `## ${t.findings}`, '');
  if (s.findings.total === 0) lines.push(t.none);
  else for (const [code, n] of Object.entries(s.findings.byCode)) lines.push(`- \`${code}\`: ${n}`);
  lines.push('');
  return lines.join('\n');
}

export type { MqttEvent };
