/**
 * Small text helpers of the live view: rates, byte rates, milliseconds, durations, a sparkline, and text from the
 * capture made safe and cut to a width. Pure functions, no terminal state.
 */
import { escapeTerminal } from '../views/escape.js';

/** Text from the capture (topics, client ids, finding summaries) as the terminal may show it: controls, bidi and invisible characters escaped. */
export function safe(text: string): string {
  return escapeTerminal(text);
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** One character per value, scaled to the largest (a zero is a space). */
export function sparkline(values: readonly number[], max = Math.max(0, ...values)): string {
  if (max <= 0) return ' '.repeat(values.length);
  return values.map((v) => (v <= 0 ? ' ' : BLOCKS[Math.min(BLOCKS.length - 1, Math.floor((v / max) * (BLOCKS.length - 1) + 0.5))]!)).join('');
}

export function rate(perSecond: number): string {
  if (perSecond === 0) return '0';
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k`;
  if (perSecond >= 100) return perSecond.toFixed(0);
  if (perSecond >= 10) return perSecond.toFixed(1);
  return perSecond.toFixed(2);
}

export function byteRate(bytesPerSecond: number): string {
  if (bytesPerSecond >= 1024 * 1024) return `${(bytesPerSecond / (1024 * 1024)).toFixed(1)} MB/s`;
  if (bytesPerSecond >= 1024) return `${(bytesPerSecond / 1024).toFixed(1)} KB/s`;
  return `${bytesPerSecond.toFixed(0)} B/s`;
}

export function millis(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** "3.2s", "4m05s", "2h03m": how long ago or how long. */
export function duration(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Text cut to `width` characters with "…". Text from the capture must have been through `safe` first (the screen's
 * own colour escapes are added after cutting).
 */
export function clip(text: string, width: number): string {
  const clean = text;
  const chars = [...clean];
  if (width <= 0) return '';
  if (chars.length <= width) return clean;
  return `${chars.slice(0, width - 1).join('')}…`;
}

/** Left-aligned in `width` characters (cut when longer). */
export function padEnd(text: string, width: number): string {
  const cut = clip(text, width);
  return cut + ' '.repeat(Math.max(0, width - [...cut].length));
}

export function padStart(text: string, width: number): string {
  const cut = clip(text, width);
  return ' '.repeat(Math.max(0, width - [...cut].length)) + cut;
}
