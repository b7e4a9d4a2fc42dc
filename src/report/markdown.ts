/**
 * Renders a ReportDocument as Markdown (GitHub/GitLab flavoured): headings, paragraphs, lists, pipe tables, a
 * ```mermaid block, and the SVG figures as image links to the files written next to the report. Escaping goes
 * through escape.ts only. It lays nothing out itself (build.ts does).
 */
import type { Block, Inline, ReportDocument } from './document.js';
import { markdownCode, markdownData, markdownText } from './escape.js';

function inline(content: Inline[], inTable = false): string {
  return content.map((part) => {
    if (typeof part === 'string') return markdownText(part);
    if ('data' in part) return markdownData(part.data);
    if ('code' in part) return markdownCode(part.code, inTable);
    if ('strong' in part) return `**${markdownText(part.strong)}**`;
    return `[${markdownText(part.link)}](${encodeURI(part.href).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)})`;
  }).join('');
}

function block(b: Block): string {
  switch (b.type) {
    case 'heading': return `${'#'.repeat(b.level)} ${markdownText(b.text)}`;
    case 'paragraph': return inline(b.content);
    case 'list': return b.items.map((item, i) => `${b.ordered ? `${i + 1}.` : '-'} ${inline(item)}`).join('\n');
    case 'table': {
      const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;
      return [
        row(b.header.map((h) => markdownText(h))),
        row(b.align.map((a) => (a === 'right' ? '---:' : '---'))),
        ...b.rows.map((r) => row(r.map((cell) => inline(cell, true)))),
      ].join('\n');
    }
    case 'mermaid': return `\`\`\`mermaid\n${b.source}\`\`\``;
    case 'figure': return b.file !== undefined ? `![${markdownText(b.caption)}](${encodeURI(b.file)})\n\n*${markdownText(b.caption)}*` : '';
  }
}

export function renderReportMarkdown(doc: ReportDocument): string {
  return `${doc.blocks.map(block).filter((text) => text !== '').join('\n\n')}\n`;
}
