/**
 * Terminal colours: on only when the destination is a terminal and NO_COLOR is not set (https://no-color.org).
 * Pure string helpers.
 */
import { escapeTerminal } from './escape.js';

export interface Style {
  enabled: boolean;
  paint(text: string, color: 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray' | 'bold'): string;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;

export function colourEnabled(stream: NodeJS.WritableStream & { isTTY?: boolean }, forced?: boolean): boolean {
  if (forced !== undefined) return forced;
  const noColor = process.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  return stream.isTTY === true;
}

export function makeStyle(enabled: boolean): Style {
  return {
    enabled,
    paint: (text, color) => (enabled ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text),
  };
}

// Tab, line feed and carriage return in a cell: spaces (other controls are shown as escapes by escapeTerminal).
const LAYOUT_CONTROLS = /[\t\n\r]/g;
// eslint-disable-next-line no-control-regex
const NOT_PRINTABLE_ASCII = /[^\u0020-\u007e]/;

/**
 * Text from the capture made safe for a cli-table3 cell: tab and line breaks become spaces, other controls and
 * bidi/invisible characters are shown as escapes (./escape.ts), and
 * the length is capped ("…"). cli-table3 re-measures a cell's whole text for every line it draws, which is
 * quadratic and far worse for text that is not plain ASCII (wide, combining or zero-width characters): a 6000-char
 * topic with one CJK character takes minutes. Plain ASCII is kept up to `asciiMax`, other text up to `otherMax`.
 */
export function tableCell(text: string, asciiMax = 512, otherMax = 160): string {
  const clean = escapeTerminal(text.replace(LAYOUT_CONTROLS, ' '));
  const max = NOT_PRINTABLE_ASCII.test(clean) ? otherMax : asciiMax;
  if (clean.length <= max) return clean;
  let cut = clean.slice(0, max - 1);
  // Do not leave half a surrogate pair.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** cli-table3's style for our tables: bold headings and grey borders when colours are on, compact rows. */
export function tableStyle(style: Style): { head: string[]; border: string[]; compact: boolean } {
  return { head: style.enabled ? ['bold'] : [], border: style.enabled ? ['gray'] : [], compact: true };
}
