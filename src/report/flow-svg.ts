/**
 * The flow graph as a standalone SVG (Wireshark's Flow Graph): hosts as columns headed by role and IP, one arrow per
 * drawn frame (ARP, TCP, TLS, MQTT) with its label above it, frame number and time at the left; PUBLISH messages the
 * broker forwards are dashed and name the publisher's frame. Each arrow is `<g class="arrow" data-frame="N">`.
 * All text goes through xml(). It draws at most the frames facts.ts kept and says how many it left out.
 */
import { xml } from './escape.js';
import type { FlowArrow, ReportFacts } from './facts.js';
import type { Words } from './words.js';

const LEFT = 150;
const COLUMN = 230;
const HEADER = 70;
const ROW = 26;
const COLOURS: Record<FlowArrow['layer'] | 'forwarded', string> = {
  arp: '#7a7a7a', tcp: '#3b6ea8', tls: '#8a4f9e', mqtt: '#2e7d32', forwarded: '#c45f00',
};

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export function renderFlowSvg(facts: ReportFacts, w: Words): string {
  const { columns, arrows, notDrawn } = facts.flow;
  const width = LEFT + Math.max(1, columns.length) * COLUMN + 20;
  const height = HEADER + arrows.length * ROW + (notDrawn > 0 ? 40 : 20);
  const x = (ip: string): number => LEFT + (Math.max(0, columns.indexOf(ip)) + 0.5) * COLUMN;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="flow-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${xml(w.diagram.flowTitle)}">`);
  out.push('<defs>');
  for (const [name, colour] of Object.entries(COLOURS)) {
    out.push(`<marker id="flow-head-${name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`);
  }
  out.push('</defs>');
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<g font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="11" fill="#222222">`);
  out.push(`<text x="10" y="18" font-size="14" font-weight="bold">${xml(w.diagram.flowTitle)}</text>`);
  out.push(`<text x="10" y="${HEADER - 8}" font-weight="bold">frame</text><text x="60" y="${HEADER - 8}" font-weight="bold">${xml(w.diagram.timeAxis)}</text>`);
  columns.forEach((ip) => {
    const host = facts.hosts.find((h) => h.ip === ip);
    const role = host !== undefined && host.roles.length > 0 ? host.roles.map((r) => w.role(r)).join(' / ') : '';
    const ids = host !== undefined && host.clientIds.length > 0 ? host.clientIds.join(', ') : '';
    const cx = x(ip);
    out.push(`<g class="column" data-host="${xml(ip)}">`);
    out.push(`<text x="${cx}" y="${HEADER - 40}" text-anchor="middle" font-weight="bold">${xml(cut(role, 30))}</text>`);
    out.push(`<text x="${cx}" y="${HEADER - 26}" text-anchor="middle">${xml(cut(ip, 34))}</text>`);
    if (ids !== '') out.push(`<text x="${cx}" y="${HEADER - 12}" text-anchor="middle" font-style="italic">${xml(cut(ids, 34))}</text>`);
    out.push(`<line x1="${cx}" y1="${HEADER - 4}" x2="${cx}" y2="${height - 10}" stroke="#bbbbbb" stroke-dasharray="3,3"/>`);
    out.push('</g>');
  });
  arrows.forEach((a, i) => {
    const y = HEADER + i * ROW + 18;
    const kind = a.forwardedFrom !== undefined ? 'forwarded' : a.layer;
    const colour = COLOURS[kind];
    const x1 = x(a.from);
    let x2 = x(a.to);
    if (x2 === x1) x2 = x1 + 60;
    const note = a.note === undefined ? '' : ` (${a.note === 'empty-client-id' ? w.diagram.emptyClientId : w.diagram.clearsRetained})`;
    const label = cut(`${a.label}${a.detail !== '' ? ` ${a.detail}` : ''}${note}${a.forwardedFrom !== undefined ? ` ← ${a.forwardedFrom}` : ''}`, 44);
    out.push(`<g class="arrow arrow-${kind}" data-frame="${a.frame}">`);
    out.push(`<text x="10" y="${y + 4}">${a.frame}</text><text x="60" y="${y + 4}">${xml(w.number(a.time, 6))}</text>`);
    out.push(`<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="${colour}" stroke-width="1.5"${kind === 'forwarded' ? ' stroke-dasharray="6,3"' : ''} marker-end="url(#flow-head-${kind})"/>`);
    out.push(`<text x="${(x1 + x2) / 2}" y="${y - 4}" text-anchor="middle" fill="${colour}">${xml(label)}</text>`);
    out.push('</g>');
  });
  if (notDrawn > 0) out.push(`<text x="10" y="${height - 14}" font-style="italic">${xml(w.diagram.flowMore(notDrawn))}</text>`);
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
