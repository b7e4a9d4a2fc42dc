/**
 * The live view's screen: a WatchSnapshot drawn as exactly `height` lines of at most `width` characters — a header
 * with the totals, a sparkline of MQTT messages/s, latency now, the focused panel (topics, clients, or latency), and
 * the latest findings. Colours (ANSI SGR) only when asked. Pure: the terminal handling is in ./terminal.ts.
 */
import type { ClientSort, TopicSort, WatchSnapshot } from './snapshot.js';
import { byteRate, clip, duration, millis, padEnd, padStart, rate, safe, sparkline } from './format.js';

export const PANELS = ['topics', 'clients', 'latency'] as const;
export type Panel = (typeof PANELS)[number];
export const TOPIC_SORTS: readonly TopicSort[] = ['messages', 'bytes', 'topic'];
export const CLIENT_SORTS: readonly ClientSort[] = ['messages', 'client', 'since'];

export interface ScreenState {
  panel: Panel;
  topicSort: TopicSort;
  clientSort: ClientSort;
  paused: boolean;
  /** What is being watched ("br0", "capture.pcap", "stdin"). */
  source: string;
  /** True once the input has ended (the screen stays until q). */
  ended?: boolean;
  width: number;
  height: number;
  color: boolean;
}

type Paint = 'bold' | 'inverse' | 'red' | 'yellow' | 'cyan' | 'green' | 'gray';
const SGR: Record<Paint, string> = { bold: '1', inverse: '7', red: '31', yellow: '33', cyan: '36', green: '32', gray: '90' };

const FINDING_LINES = 4;

/** Rows the focused panel can list on a screen of this height (for SnapshotOptions). */
export function panelRows(height: number): number {
  return Math.max(1, height - 8 - FINDING_LINES - 1);
}

export function renderScreen(s: WatchSnapshot, st: ScreenState): string[] {
  const width = Math.max(20, st.width);
  const paint = (text: string, p: Paint): string => (st.color ? `\u001b[${SGR[p]}m${text}\u001b[0m` : text);
  const line = (text: string, p?: Paint): string => {
    const cut = clip(text, width);
    return p === undefined ? cut : paint(cut, p);
  };
  const out: string[] = [];
  const status = st.paused ? '  [PAUSED]' : st.ended ? '  [input ended]' : '';
  const keys = 'q quit  p pause  s sort  tab panel';
  const title = `mqtt-pcap watch  ${safe(st.source)}  t=${s.time.toFixed(1)}s  window ${duration(s.windowSeconds)}${status}`;
  out.push(line(title.length + keys.length + 2 <= width ? padEnd(title, width - keys.length) + keys : title, 'bold'));
  out.push(line(`MQTT ${rate(s.messagesPerSecond)} msg/s  payload ${byteRate(s.bytesPerSecond)}  connections ${s.openConnections}`
    + `  clients ${s.connectedClients}  topics ${s.activeTopics}  messages ${s.totals.mqttMessages}  findings ${s.totals.findings}`));
  const sparkWidth = Math.max(10, Math.min(s.history.length, width - 24));
  const recent = s.history.slice(-sparkWidth);
  const max = Math.max(0, ...recent);
  const label = `msg/s ${padStart(String(max), 6)} max `;
  out.push(label + paint(sparkline(recent, max), 'green'));
  const lat = [...s.latency, ...(s.forwarding !== undefined ? [s.forwarding] : [])]
    .map((l) => `${l.kind.replace('broker forwarding', 'forwarding')} ${millis(l.p50Ms)}/${millis(l.p95Ms)}`);
  out.push(line(`latency p50/p95  ${lat.length > 0 ? lat.join('  ') : '(no request answered in the window)'}`));
  out.push('');
  const tabs = PANELS.map((p) => {
    const name = p[0]!.toUpperCase() + p.slice(1);
    return p === st.panel ? paint(`[${name}]`, 'inverse') : ` ${name} `;
  }).join(' ');
  const sortName = st.panel === 'topics' ? st.topicSort : st.panel === 'clients' ? st.clientSort : undefined;
  out.push(`${tabs}${sortName !== undefined ? `   sort: ${sortName}` : ''}`);
  const rows = panelRows(st.height);
  const body = st.panel === 'topics' ? topicsPanel(s, width, rows) : st.panel === 'clients' ? clientsPanel(s, width, rows) : latencyPanel(s, width, rows);
  out.push(line(body.head, 'bold'));
  for (const r of body.rows) out.push(r.gray === true ? line(r.text, 'gray') : line(r.text));
  while (out.length < st.height - FINDING_LINES - 1) out.push('');
  out.push(line(`Findings (latest; ${s.totals.findings} in all)`, 'bold'));
  if (s.findings.length === 0) out.push('none');
  for (const f of s.findings.slice(0, FINDING_LINES)) {
    const colour: Paint = f.severity === 'error' ? 'red' : f.severity === 'warning' ? 'yellow' : 'cyan';
    out.push(line(`#${f.frame}  t=${f.time.toFixed(3)}s  ${f.severity}  ${f.code}  ${safe(f.summary)}`, colour));
  }
  while (out.length < st.height) out.push('');
  return out.slice(0, Math.max(1, st.height));
}

interface Body { head: string; rows: Array<{ text: string; gray?: boolean }> }

function topicsPanel(s: WatchSnapshot, width: number, rows: number): Body {
  const nameWidth = Math.max(12, width - 50);
  const head = `${padEnd('Topic', nameWidth)}${padStart('msg/s', 9)}${padStart('pub/s', 9)}${padStart('dlv/s', 9)}${padStart('bytes/s', 12)}${padStart('last', 9)}`;
  const list: Body['rows'] = s.topics.slice(0, rows).map((t) => ({
    text: `${padEnd(safe(t.topic), nameWidth)}${padStart(rate(t.messagesPerSecond), 9)}${padStart(rate(t.publishedPerSecond), 9)}`
      + `${padStart(rate(t.deliveredPerSecond), 9)}${padStart(byteRate(t.bytesPerSecond), 12)}${padStart(`${duration(s.time - t.lastSeen)} ago`, 9)}`,
  }));
  if (list.length === 0) list.push({ text: '(no PUBLISH in the window)' });
  if (s.activeTopics > s.topics.length) list.push({ text: `… ${s.activeTopics - s.topics.length} more topics`, gray: true });
  return { head, rows: list.slice(0, Math.max(rows, 1)) };
}

function clientsPanel(s: WatchSnapshot, width: number, rows: number): Body {
  const idWidth = Math.max(12, width - 70);
  const head = `${padEnd('Client ID', idWidth)} ${padEnd('Address', 22)}${padStart('since', 8)}${padStart('sent/s', 9)}${padStart('recv/s', 9)}${padStart('last', 9)} ${padEnd('state', 10)}`;
  const list: Body['rows'] = s.clients.slice(0, rows).map((c) => ({
    text: `${padEnd(c.clientId !== undefined ? safe(c.clientId) : '(no CONNECT seen)', idWidth)} ${padEnd(c.address, 22)}${padStart(duration(s.time - c.since), 8)}`
      + `${padStart(rate(c.sentPerSecond), 9)}${padStart(rate(c.receivedPerSecond), 9)}${padStart(`${duration(s.time - c.lastSeen)} ago`, 9)} ${padEnd(c.state, 10)}`,
    gray: c.state !== 'connected',
  }));
  if (list.length === 0) list.push({ text: '(no MQTT client seen)', gray: false });
  if (s.trackedClients > s.clients.length) list.push({ text: `… ${s.trackedClients - s.clients.length} more clients`, gray: true });
  return { head, rows: list.slice(0, Math.max(rows, 1)) };
}

function latencyPanel(s: WatchSnapshot, width: number, rows: number): Body {
  const kindWidth = Math.max(20, Math.min(30, width - 44));
  const head = `${padEnd('Request → response', kindWidth)}${padStart('count', 8)}${padStart('p50', 12)}${padStart('p95', 12)}${padStart('max', 12)}`;
  const all = [...s.latency, ...(s.forwarding !== undefined ? [s.forwarding] : [])];
  const list = all.slice(0, rows).map((l) => ({
    text: `${padEnd(l.kind, kindWidth)}${padStart(String(l.count), 8)}${padStart(millis(l.p50Ms), 12)}${padStart(millis(l.p95Ms), 12)}${padStart(millis(l.maxMs), 12)}`,
  }));
  if (list.length === 0) list.push({ text: `(no request answered in the last ${duration(s.windowSeconds)})` });
  return { head, rows: list };
}
