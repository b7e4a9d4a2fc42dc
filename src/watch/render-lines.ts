/**
 * The live view for logs (not a terminal): one line per interval, like `vmstat 1` (`--format lines`), or one JSON
 * object per interval (`--format ndjson`). Formatting of IntervalRow only.
 */
import type { IntervalRow, LatencyNow } from './snapshot.js';
import { jsonStringify } from '../views/escape.js';
import { padEnd, padStart, safe } from './format.js';

/**
 * The latency kinds the line format has a column for (p50/p95 in ms; "puback" is the broker's answer to publishers);
 * the NDJSON object carries them all.
 */
const LINE_KINDS: ReadonlyArray<[string, string]> = [
  ['CONNECT→CONNACK', 'connack'], ['PUBLISH→PUBACK (broker)', 'puback'], ['PINGREQ→PINGRESP', 'pingresp'], ['broker forwarding', 'forward'],
];

const COLUMNS: ReadonlyArray<[string, number]> = [
  ['time', 10], ['msg/s', 8], ['pub/s', 7], ['dlv/s', 7], ['KB/s', 8], ['conns', 6], ['clients', 8],
  ...LINE_KINDS.map(([, name]): [string, number] => [`${name} ms`, 14]), ['finds', 6], ['top topic', 0],
];

/** The heading line (printed once, first). */
export function linesHeader(): string {
  return COLUMNS.map(([name, width], i) => (width === 0 ? ` ${name}` : i === 0 ? padEnd(name, width) : padStart(name, width))).join('');
}

function latencyCell(l: LatencyNow | undefined): string {
  if (l === undefined) return '-';
  return `${round(l.p50Ms)}/${round(l.p95Ms)}`;
}

function round(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** One interval as a line; rates are per second of the interval. */
export function formatLine(row: IntervalRow): string {
  const seconds = Math.max(row.end - row.start, 1e-9);
  const perSecond = (n: number): string => {
    const r = n / seconds;
    return r >= 100 ? r.toFixed(0) : r.toFixed(1);
  };
  const byKind = new Map(row.latency.map((l) => [l.kind, l]));
  const time = row.at !== undefined ? row.at.slice(11, 19) : row.end.toFixed(1);
  const cells = [
    time, perSecond(row.mqttMessages), perSecond(row.published), perSecond(row.delivered),
    (row.bytes / 1024 / seconds).toFixed(1), String(row.openConnections), String(row.connectedClients),
    ...LINE_KINDS.map(([kind]) => latencyCell(byKind.get(kind))), String(row.findings),
  ];
  const line = cells.map((cell, i) => (i === 0 ? padEnd(cell, COLUMNS[i]![1]) : padStart(cell, COLUMNS[i]![1]))).join('');
  const top = row.topics[0];
  return top !== undefined ? `${line} ${padEnd(safe(top.topic), 60).trimEnd()}` : line;
}

/** One interval as one JSON object (a line of NDJSON, without the newline). */
export function formatNdjson(row: IntervalRow): string {
  return jsonStringify({ type: 'interval', ...row });
}
