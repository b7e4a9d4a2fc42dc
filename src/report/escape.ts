/**
 * Escaping for the report, per output medium: Markdown text and code spans, HTML, SVG/XML and Mermaid labels. Text
 * from the capture goes through the project's shared escapers (src/views/escape.ts: controls, bidi and invisible
 * characters made visible, every Markdown punctuation escaped); the report's own words get only the escapes their
 * medium needs. The report's renderers call these and nothing else.
 */
import { escapeHtml, escapeMarkdown, escapeTerminal, markdownCode as sharedMarkdownCode } from '../views/escape.js';

/** Characters XML 1.0 cannot carry that escapeTerminal leaves (U+FFFE, U+FFFF): shown as U+FFFD. */
const NOT_XML = /[\ufffe\uffff]/g;

/** Capture text as inert Markdown inline text. */
export function markdownData(text: string): string {
  return escapeMarkdown(text);
}

/** The report's own words as Markdown inline text: what could open markup is backslash-escaped; one line. */
export function markdownText(text: string): string {
  return escapeTerminal(text.replace(/\r\n|[\r\n]/g, ' ')).replace(/[\\`*_[\]<>|~&!#]/g, (c) => (c === '&' ? '&amp;' : `\\${c}`));
}

/** A Markdown code span holding `text` verbatim (in a table cell, `|` escaped too). */
export function markdownCode(text: string, inTable = false): string {
  return sharedMarkdownCode(text, inTable);
}

/** HTML text and attribute values. */
export function html(text: string): string {
  return escapeHtml(text).replace(NOT_XML, '\ufffd');
}

/** SVG/XML text and attribute values: as HTML (controls are already made visible, so the XML stays valid). */
export function xml(text: string): string {
  return html(text);
}

/**
 * Text of a Mermaid sequence-diagram message, note or loop label: Mermaid reads such text up to "#", ";" or the end of
 * the line, "%%" starts a comment and "<"/">" may be taken for HTML, so these are written as Mermaid entity codes
 * `#NNN;`, which Mermaid renders as the character. Controls made visible; one line.
 */
export function mermaidText(text: string): string {
  return escapeTerminal(text).replace(/[;#%<>]/g, (c) => `#${c.codePointAt(0)!};`);
}

/** A participant's label (after `as`): as mermaidText, and ":" "," "-" "+" too, which end or split it. */
export function mermaidLabel(text: string): string {
  return escapeTerminal(text).replace(/[;#%<>:,\-+]/g, (c) => `#${c.codePointAt(0)!};`);
}
