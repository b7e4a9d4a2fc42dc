/**
 * string-width for the bundled CLI (build/bundle.mjs aliases every copy of the `string-width` package to this file):
 * the columns a string takes on a terminal, ANSI escapes removed; wide East Asian and emoji characters 2, combining
 * marks and zero-width characters 0, others 1. The packages' own versions build an Intl.Segmenter and large
 * Unicode-property regular expressions when loaded, which costs more at start-up than the whole analysis of a
 * small capture; cli-table3 and yargs only need the width of short, already escaped cells. Same rules as
 * src/views/text-layout.ts.
 */
'use strict';

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cc}\u200b-\u200f\u2060-\u2064\ufeff\ufe00-\ufe0f]$/u;
const WIDE = /^[\u1100-\u115f\u231a\u231b\u2329\u232a\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\u{16fe0}-\u{16fe4}\u{17000}-\u{18cff}\u{1b000}-\u{1b2ff}\u{1f004}\u{1f0cf}\u{1f18e}\u{1f191}-\u{1f19a}\u{1f200}-\u{1f251}\u{1f300}-\u{1f64f}\u{1f680}-\u{1f6ff}\u{1f7e0}-\u{1f7eb}\u{1f90c}-\u{1f9ff}\u{1fa70}-\u{1faff}\u{20000}-\u{3fffd}]$/u;

function stringWidth(text) {
  if (typeof text !== 'string' || text.length === 0) return 0;
  const plain = text.indexOf('\u001b') >= 0 ? text.replace(ANSI, '') : text;
  if (PRINTABLE_ASCII.test(plain)) return plain.length;
  let width = 0;
  for (const c of plain) width += ZERO_WIDTH.test(c) ? 0 : WIDE.test(c) ? 2 : 1;
  return width;
}

module.exports = stringWidth;
module.exports.default = stringWidth;
