/**
 * Output escaping, one function per medium: text from the capture (client ids, topics, payloads, user names, file
 * names) is data, and is escaped once, where it is written, for the medium it is written to.
 *
 * - terminal: C0 controls, DEL, C1 controls, bidi controls (U+061C, U+200E/200F, U+202A–202E, U+2066–2069), the
 *   line/paragraph separators U+2028/2029 and invisible characters (zero-width space/joiners, word joiner, BOM,
 *   soft hyphen, U+180E, U+2061–2064) are made visible as `\xNN` / `\uNNNN` escapes; lone surrogates become U+FFFD.
 * - Markdown (inline: a table cell, a list item): the same, plus every ASCII punctuation character CommonMark can
 *   give a meaning to is backslash-escaped and line breaks become spaces: no heading, list, table cell, emphasis,
 *   link, image, autolink, code span or raw HTML can be opened by the text.
 * - HTML (text and attribute values): the same visible escapes, plus & < > " ' as character references.
 * - JSON: JSON.stringify, then DEL, C1, bidi, separators and invisible characters as \u escapes (same value).
 *
 * Does not: cut text to a length or wrap it (the views do that), or escape what the tool itself writes (colours,
 * table borders, its own Markdown).
 */

const C0_DEL_C1 = '\\u0000-\\u001f\\u007f-\\u009f';
const INVISIBLE_AND_BIDI = '\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff';
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';

/** Everything that must never reach a terminal or a page as it is (tab and newline included). */
const UNSAFE = new RegExp(`[${C0_DEL_C1}${INVISIBLE_AND_BIDI}]|${LONE_SURROGATE}`, 'g');
/** The same, for a quick test. */
const UNSAFE_TEST = new RegExp(`[${C0_DEL_C1}${INVISIBLE_AND_BIDI}]|${LONE_SURROGATE}`);
/** What JSON.stringify leaves raw but we escape: DEL, C1, invisible and bidi characters. */
const JSON_EXTRA = new RegExp(`[\\u007f-\\u009f${INVISIBLE_AND_BIDI}]`, 'g');
const JSON_EXTRA_TEST = new RegExp(`[\\u007f-\\u009f${INVISIBLE_AND_BIDI}]`);

/** The visible form of one unsafe character: `\x1b`, `\u202e`; a lone surrogate: U+FFFD. */
export function visibleEscape(c: string): string {
  const code = c.charCodeAt(0);
  if (code >= 0xd800 && code <= 0xdfff) return '\ufffd';
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text from the capture made safe for a terminal: every control, bidi and invisible character shown as an escape.
 * With `keepLayout`, tab and newline are kept (for multi-line text the tool lays out itself).
 */
export function escapeTerminal(text: string, keepLayout = false): string {
  if (!UNSAFE_TEST.test(text)) return text;
  return text.replace(UNSAFE, (c) => (keepLayout && (c === '\n' || c === '\t') ? c : visibleEscape(c)));
}

/** ASCII punctuation CommonMark/GFM may give a meaning to (all of it may be backslash-escaped). */
const MD_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/**
 * Text from the capture made inert in Markdown, for inline use (a table cell, a list item, a sentence): line breaks
 * become spaces (a table row stays one row), controls and invisible characters are made visible, every ASCII
 * punctuation character is backslash-escaped. Rendered by any CommonMark renderer, it shows the original text.
 */
export function escapeMarkdown(text: string): string {
  const flat = text.replace(/\r\n|[\r\n\u2028\u2029\u0085\u000b\u000c]/g, ' ');
  return escapeTerminal(flat).replace(MD_PUNCTUATION, (c) => `\\${c}`);
}

/**
 * Text as a Markdown code span: the delimiter is longer than any backtick run inside, line breaks become spaces,
 * controls made visible. In a GFM table cell (`inTable`) `|` is escaped too, which tables need even in code spans.
 */
export function markdownCode(text: string, inTable = false): string {
  const oneLine = escapeTerminal(text.replace(/\r\n|[\r\n\u2028\u2029\u0085]/g, ' '));
  const flat = inTable ? oneLine.replace(/\|/g, '\\|') : oneLine;
  let longest = 0;
  for (const run of flat.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text from the capture for an HTML element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return escapeTerminal(text).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * True for the UTF-16 code units jsonStringify escapes beyond JSON.stringify (JSON_EXTRA: DEL, C1, invisible, bidi,
 * line and paragraph separators), for views that write JSON by hand (./ndjson-line.ts). The same set as JSON_EXTRA,
 * checked code unit by code unit in test/ndjson-line.test.ts.
 */
export function isJsonExtraEscape(code: number): boolean {
  if (code < 0x7f) return false;
  if (code <= 0x9f) return true;
  if (code < 0x2000) return code === 0xad || code === 0x61c || code === 0x180e;
  return (code >= 0x200b && code <= 0x200f) || (code >= 0x2028 && code <= 0x202e) || (code >= 0x2060 && code <= 0x2064)
    || (code >= 0x2066 && code <= 0x2069) || code === 0xfeff;
}

/**
 * JSON.stringify, with DEL, C1 controls, bidi, line separators and invisible characters also written as \u
 * escapes (the parsed value is unchanged; a terminal or page showing the JSON never sees them raw). C0 controls
 * and lone surrogates are already escaped by JSON.stringify.
 */
export function jsonStringify(value: unknown, space?: number): string {
  const text = JSON.stringify(value, null, space) as string | undefined;
  if (text === undefined) return 'null';
  if (!JSON_EXTRA_TEST.test(text)) return text;
  return text.replace(JSON_EXTRA, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
