/**
 * Terminal text layout for the streamed timeline table: the display width of a string (wide East Asian and emoji
 * characters take two columns, combining marks none) and word wrapping that breaks lines at spaces only, cutting a
 * word only when it alone is wider than the line. Pure functions; no escaping (the text is already safe) and no
 * colours (they are added after layout).
 */

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200b-\u200f\u2060-\u2064\ufeff]$/u;
const WIDE = /^[\u1100-\u115f\u231a\u231b\u2329\u232a\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\u{16fe0}-\u{16fe4}\u{17000}-\u{18cff}\u{1b000}-\u{1b2ff}\u{1f004}\u{1f0cf}\u{1f18e}\u{1f191}-\u{1f19a}\u{1f200}-\u{1f251}\u{1f300}-\u{1f64f}\u{1f680}-\u{1f6ff}\u{1f7e0}-\u{1f7eb}\u{1f90c}-\u{1f9ff}\u{1fa70}-\u{1faff}\u{20000}-\u{3fffd}]$/u;

/** Columns one code point takes on a terminal: 0, 1 or 2. */
function codePointWidth(c: string): number {
  if (ZERO_WIDTH.test(c)) return 0;
  return WIDE.test(c) ? 2 : 1;
}

/** Widths of BMP characters already looked up, plus one (0: not yet known): one regular-expression test per character ever. */
const BMP_WIDTH = new Uint8Array(0x10000);

/** Columns the BMP character `code` (not a surrogate) takes: 0, 1 or 2. */
export function bmpWidth(code: number): number {
  if (code < 0x300) return 1;
  let known = BMP_WIDTH[code]!;
  if (known === 0) {
    known = codePointWidth(String.fromCharCode(code)) + 1;
    BMP_WIDTH[code] = known;
  }
  return known - 1;
}

/** Columns `text` takes on a terminal (plain ASCII: its length). One pass, no regular expression for text in the BMP. */
export function displayWidth(text: string): number {
  let width = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x300) {
      width += 1;
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < n) {
      width += codePointWidth(text.slice(i, i + 2));
      i += 1;
    } else {
      width += bmpWidth(code);
    }
  }
  return width;
}

/** The longest prefix of `text` (whole code points) that fits `width` columns, and its width. */
function fitPrefix(text: string, width: number): [string, number] {
  let used = 0;
  let end = 0;
  for (const c of text) {
    const w = codePointWidth(c);
    if (used + w > width && end > 0) break;
    used += w;
    end += c.length;
    if (used >= width) break;
  }
  return [text.slice(0, end), used];
}

/** Just after the last punctuation of `text` where a word may be cut (":", ".", "/", ",", "-", "]", "="), or 0. */
function lastBreak(text: string): number {
  for (let i = text.length - 1; i > 0; i--) {
    const c = text.charCodeAt(i);
    // : . / , - ] =
    if (c === 0x3a || c === 0x2e || c === 0x2f || c === 0x2c || c === 0x2d || c === 0x5d || c === 0x3d) return i + 1;
  }
  return 0;
}

/** A line of a wrapped cell and its display width (so padding needs no second measurement). */
export interface LaidLine {
  text: string;
  width: number;
}

/**
 * `text` (measured: `textWidth` columns) wrapped to lines of at most `width` columns, breaking at spaces; a word
 * wider than a whole line is cut, after punctuation when it has some (the only cut inside a word). Spaces at a
 * break are dropped.
 */
export function wrapWords(text: string, textWidth: number, width: number): LaidLine[] {
  if (textWidth <= width) return [{ text, width: textWidth }];
  const lines: LaidLine[] = [];
  let line = '';
  let lineWidth = 0;
  for (const word of text.split(' ')) {
    if (word === '') continue;
    let rest = word;
    let restWidth = displayWidth(word);
    if (lineWidth > 0 && lineWidth + 1 + restWidth <= width) {
      line += ` ${rest}`;
      lineWidth += 1 + restWidth;
      continue;
    }
    if (lineWidth > 0) lines.push({ text: line, width: lineWidth });
    while (restWidth > width) {
      let [head, headWidth] = fitPrefix(rest, width);
      // A word wider than the line: cut after its last punctuation that fits (an address after ":" or "."), else
      // where the line is full.
      const soft = lastBreak(head);
      if (soft > 0 && soft < head.length) {
        head = head.slice(0, soft);
        headWidth = displayWidth(head);
      }
      lines.push({ text: head, width: headWidth });
      rest = rest.slice(head.length);
      restWidth -= headWidth;
    }
    line = rest;
    lineWidth = restWidth;
  }
  if (lineWidth > 0 || lines.length === 0) lines.push({ text: line, width: lineWidth });
  return lines;
}

/** Display width of the widest space-separated word of `text` (what a column must hold to wrap it without a cut). */
export function longestWord(text: string): number {
  let widest = 0;
  for (const word of text.split(' ')) {
    const w = displayWidth(word);
    if (w > widest) widest = w;
  }
  return widest;
}

/**
 * Column widths for a boxed table that must fit `available` columns of cell content (the terminal's width less the
 * borders and padding): the content's own widths when they fit; else the widest columns narrowed first, one column at
 * a time, never below the widest word they hold (so wrapping at spaces cuts no word); undefined when even that does
 * not fit (the caller lays the table out another way).
 */
export function fitColumns(natural: readonly number[], words: readonly number[], available: number): number[] | undefined {
  const widths = natural.slice();
  let excess = widths.reduce((a, b) => a + b, 0) - available;
  if (excess <= 0) return widths;
  const floor = natural.map((w, i) => Math.min(w, words[i]!));
  if (floor.reduce((a, b) => a + b, 0) > available) return undefined;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if (widths[i]! > floor[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    }
    // The widest column gives up what puts it level with the next widest (at least one column, at most the excess).
    // Columns level with it share the narrowing one column at a time.
    let next = floor[widest]!;
    let tied = false;
    for (let i = 0; i < widths.length; i++) {
      if (i === widest) continue;
      if (widths[i] === widths[widest] && widths[i]! > floor[i]!) tied = true;
      else if (widths[i]! < widths[widest]! && widths[i]! > next) next = widths[i]!;
    }
    const step = tied ? 1 : Math.max(1, Math.min(excess, widths[widest]! - next));
    widths[widest]! -= step;
    excess -= step;
  }
  return widths;
}
