/**
 * The report as a small document tree (headings, paragraphs, lists, tables, a Mermaid diagram, figures) whose text
 * is plain, unescaped strings. The Markdown and HTML renderers escape it for their medium; nothing else does.
 */

/** Inline content: plain text, code (client ids, topics, payloads), emphasis, or a link. */
/** Plain strings are the report's own words; `data` is capture text shown as plain text (escaped as data). */
export type Inline = string | { data: string } | { code: string } | { strong: string } | { link: string; href: string };

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3; text: string; id?: string }
  | { type: 'paragraph'; content: Inline[] }
  | { type: 'list'; ordered: boolean; items: Inline[][] }
  | { type: 'table'; header: string[]; align: Array<'left' | 'right'>; rows: Inline[][][] }
  | { type: 'mermaid'; source: string }
  /** An SVG picture: written next to the Markdown report (`file`), inline in the HTML page. */
  | { type: 'figure'; name: 'flow' | 'rate'; caption: string; svg: string; file?: string };

export interface ReportDocument {
  lang: 'en' | 'id';
  title: string;
  blocks: Block[];
}

export const code = (text: string): Inline => ({ code: text });
export const strong = (text: string): Inline => ({ strong: text });
export const data = (text: string): Inline => ({ data: text });
