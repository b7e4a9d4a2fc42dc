/**
 * Escaping of capture text (client ids, topics, payloads) and of our own words, per output medium: Markdown text,
 * Markdown code spans, HTML, SVG/XML and Mermaid labels. The renderers call these and nothing else, so the report
 * escapes in one place per medium. Pure functions; no formatting decisions beyond escaping.
 * (src/views/escape.ts, when it lands, may take these over.)
 */

/** Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF): shown as U+FFFD. */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * C1 controls, bidi controls and invisible characters (as src/views/escape.ts's terminal escaper, which this folder may
 * not import): shown as \uNNNN, so that no text is reordered or hidden on the page.
 */
const HIDDEN = /[\u0080-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
function visible(text: string): string {
  return text.replace(HIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Controls and line breaks become visible or a space: a capture string never breaks a line of the report. */
function oneLine(text: string): string {
  return visible(text.replace(/\r\n|[\r\n\u2028\u2029\u0085]/g, ' ').replace(NOT_XML, '\ufffd').replace(/[\u0000-\u001f\u007f]/g, ' '));
}

/** Markdown (CommonMark/GFM) inline text: punctuation that could start markup is backslash-escaped; one line. */
export function markdownText(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]<>|~&!#]/g, (c) => (c === '&' ? '&amp;' : `\\${c}`));
}

/**
 * A Markdown code span holding `text` verbatim: fenced with more backticks than the text's longest run, padded when
 * it starts or ends with a backtick or space. In a table cell, `|` is escaped (GFM splits cells before code spans).
 */
export function markdownCode(text: string, inTable = false): string {
  let body = oneLine(text);
  if (inTable) body = body.replace(/\|/g, '\\|');
  if (body === '') return '` `';
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || body.startsWith(' ') || body.endsWith(' ') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** HTML text and attribute values. */
export function html(text: string): string {
  return visible(text.replace(NOT_XML, '\ufffd').replace(/[\u2028\u2029]/g, ' ')).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** SVG/XML text and attribute values: as HTML, one line. */
export function xml(text: string): string {
  return html(oneLine(text));
}

/**
 * Text of a Mermaid sequence-diagram message, note or loop label: Mermaid reads such text up to "#", ";" or the end of
 * the line, "%%" starts a comment and "<"/">" may be taken for HTML, so these are written as Mermaid entity codes
 * `#NNN;`, which Mermaid renders as the character. One line.
 */
export function mermaidText(text: string): string {
  return oneLine(text).replace(/[;#%<>]/g, (c) => `#${c.codePointAt(0)!};`);
}

/** A participant's label (after `as`): as mermaidText, and ":" "," "-" "+" too, which end or split it. */
export function mermaidLabel(text: string): string {
  return oneLine(text).replace(/[;#%<>:,\-+]/g, (c) => `#${c.codePointAt(0)!};`);
}
