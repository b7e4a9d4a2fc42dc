/**
 * Terminal colours: on only when the destination is a terminal and NO_COLOR is not set (https://no-color.org).
 * Pure string helpers.
 */

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
