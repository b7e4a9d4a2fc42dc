/**
 * Messages per second by MQTT packet type as a standalone SVG: stacked bars, one per time bucket (1 s, wider when the
 * capture is long so that there are at most MAX_BARS), a legend of the types, axes with round ticks. Wireshark's I/O
 * graph filtered on MQTT. Each bar segment is `<rect class="bar" data-type=... data-count=...>`.
 */
import { xml } from './escape.js';
import type { ReportFacts } from './facts.js';
import type { Words } from './words.js';

const MAX_BARS = 120;
const PALETTE: Record<string, string> = {
  CONNECT: '#1f77b4', CONNACK: '#aec7e8', SUBSCRIBE: '#9467bd', SUBACK: '#c5b0d5', PUBLISH: '#2ca02c', PUBACK: '#98df8a',
  PUBREC: '#bcbd22', PUBREL: '#dbdb8d', PUBCOMP: '#17becf', UNSUBSCRIBE: '#8c564b', UNSUBACK: '#c49c94',
  PINGREQ: '#ff7f0e', PINGRESP: '#ffbb78', DISCONNECT: '#d62728', AUTH: '#7f7f7f',
};

/** A round step for an axis from 0 to `max` with about `ticks` ticks. */
function niceStep(max: number, ticks: number): number {
  const raw = Math.max(max, 1) / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const steps = [1, 2, 5, 10];
  return (steps.find((s) => s * power >= raw) ?? 10) * power;
}

export function renderRateSvg(facts: ReportFacts, w: Words): string {
  const { rate } = facts;
  const duration = facts.summary.capture.durationSeconds;
  const source = Math.max(1, Math.floor(duration / rate.bucketSeconds) + 1);
  const merge = Math.max(1, Math.ceil(source / MAX_BARS));
  const bucketSeconds = rate.bucketSeconds * merge;
  const bars = Math.max(1, Math.ceil(source / merge));
  const counts: Array<Map<string, number>> = Array.from({ length: bars }, () => new Map());
  for (const [index, byType] of rate.buckets) {
    // A bucket before the first frame (timestamps going backwards) is drawn in the first bar.
    const bar = counts[Math.max(0, Math.min(bars - 1, Math.floor(index / merge)))]!;
    for (const [type, n] of byType) bar.set(type, (bar.get(type) ?? 0) + n);
  }
  const totals = counts.map((m) => [...m.values()].reduce((a, b) => a + b, 0));
  const maxTotal = Math.max(1, ...totals);
  const yStep = niceStep(maxTotal, 5);
  const yMax = Math.ceil(maxTotal / yStep) * yStep;
  const left = 60;
  const top = 40;
  const plotWidth = Math.max(240, Math.min(800, bars * 40));
  const plotHeight = 220;
  const legendWidth = 130;
  const width = left + plotWidth + legendWidth + 20;
  const height = top + plotHeight + 60;
  const barWidth = plotWidth / bars;
  const yOf = (v: number): number => top + plotHeight - (v / yMax) * plotHeight;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="rate-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${xml(w.diagram.rateTitle)}">`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<g font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="11" fill="#222222">`);
  out.push(`<text x="10" y="20" font-size="14" font-weight="bold">${xml(`${w.diagram.rateTitle} (${w.diagram.rateUnit(bucketSeconds)})`)}</text>`);
  // y axis and grid
  for (let v = 0; v <= yMax; v += yStep) {
    const y = yOf(v);
    out.push(`<line x1="${left}" y1="${y}" x2="${left + plotWidth}" y2="${y}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end">${v}</text>`);
  }
  out.push(`<text x="14" y="${top + plotHeight / 2}" transform="rotate(-90 14 ${top + plotHeight / 2})" text-anchor="middle">${xml(`${w.diagram.rateAxis} ${w.diagram.rateUnit(bucketSeconds)}`)}</text>`);
  // bars, stacked in the legend's order
  counts.forEach((byType, i) => {
    let base = 0;
    for (const type of rate.types) {
      const n = byType.get(type) ?? 0;
      if (n === 0) continue;
      const y = yOf(base + n);
      out.push(`<rect class="bar" data-bucket="${i}" data-type="${xml(type)}" data-count="${n}" x="${(left + i * barWidth + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, barWidth - 2).toFixed(1)}" height="${(yOf(base) - y).toFixed(1)}" fill="${PALETTE[type] ?? '#555555'}"/>`);
      base += n;
    }
  });
  // x axis
  out.push(`<line x1="${left}" y1="${top + plotHeight}" x2="${left + plotWidth}" y2="${top + plotHeight}" stroke="#222222"/>`);
  out.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotHeight}" stroke="#222222"/>`);
  const xStep = Math.max(1, Math.round(niceStep(bars, 8)));
  for (let i = 0; i <= bars; i += xStep) {
    const xx = left + i * barWidth;
    out.push(`<line x1="${xx}" y1="${top + plotHeight}" x2="${xx}" y2="${top + plotHeight + 4}" stroke="#222222"/>`);
    out.push(`<text x="${xx}" y="${top + plotHeight + 16}" text-anchor="middle">${xml(`${i * bucketSeconds}`)}</text>`);
  }
  out.push(`<text x="${left + plotWidth / 2}" y="${top + plotHeight + 36}" text-anchor="middle">${xml(w.diagram.timeAxis)}</text>`);
  // legend
  rate.types.forEach((type, i) => {
    const y = top + i * 18;
    out.push(`<rect x="${left + plotWidth + 20}" y="${y}" width="12" height="12" fill="${PALETTE[type] ?? '#555555'}"/>`);
    out.push(`<text x="${left + plotWidth + 38}" y="${y + 10}">${xml(type)}</text>`);
  });
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
