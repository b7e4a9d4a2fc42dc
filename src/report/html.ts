/**
 * Renders a ReportDocument as one self-contained HTML page: no script, no network (a Content-Security-Policy forbids
 * it), the SVG figures inline, the Mermaid source folded away, styles for the screen and for printing on A4 (so the
 * browser can save it as PDF). Escaping goes through escape.ts only.
 */
import type { Block, Inline, ReportDocument } from './document.js';
import { html } from './escape.js';

const STYLE = `
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.45; color: #1d1d1d; background: #ffffff; margin: 0; }
main { max-width: 190mm; margin: 0 auto; padding: 12mm 10mm; }
h1 { font-size: 20pt; margin: 0 0 6pt; }
h2 { font-size: 14pt; margin: 18pt 0 6pt; border-bottom: 1px solid #cccccc; padding-bottom: 2pt; }
h3 { font-size: 12pt; margin: 12pt 0 4pt; }
td code { white-space: nowrap; }
code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 9.5pt; background: #f2f2f2; padding: 0 2pt; border-radius: 2pt; }
table { border-collapse: collapse; margin: 6pt 0; font-size: 9.5pt; width: 100%; }
th, td { border: 1px solid #cccccc; padding: 2pt 5pt; text-align: left; vertical-align: top; }
th { background: #eeeeee; }
td.right, th.right { text-align: right; }
figure { margin: 10pt 0; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 9pt; color: #444444; }
details pre { font-size: 8.5pt; background: #f7f7f7; padding: 6pt; overflow-x: auto; }
ol li, ul li { margin-bottom: 3pt; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  table, figure, li { break-inside: avoid; }
  details { display: none; }
}
`;

function inline(content: Inline[]): string {
  return content.map((part) => {
    if (typeof part === 'string') return html(part);
    if ('data' in part) return html(part.data);
    if ('code' in part) return `<code>${html(part.code)}</code>`;
    if ('strong' in part) return `<strong>${html(part.strong)}</strong>`;
    return html(part.link);
  }).join('');
}

function block(b: Block): string {
  switch (b.type) {
    case 'heading': return `<h${b.level}>${html(b.text)}</h${b.level}>`;
    case 'paragraph': return `<p>${inline(b.content)}</p>`;
    case 'list': {
      const tag = b.ordered ? 'ol' : 'ul';
      return `<${tag}>\n${b.items.map((item) => `<li>${inline(item)}</li>`).join('\n')}\n</${tag}>`;
    }
    case 'table': {
      const cls = (i: number): string => (b.align[i] === 'right' ? ' class="right"' : '');
      return `<table>\n<thead><tr>${b.header.map((h, i) => `<th${cls(i)}>${html(h)}</th>`).join('')}</tr></thead>\n<tbody>\n${
        b.rows.map((r) => `<tr>${r.map((cell, i) => `<td${cls(i)}>${inline(cell)}</td>`).join('')}</tr>`).join('\n')}\n</tbody>\n</table>`;
    }
    case 'mermaid': return `<details class="mermaid-source"><summary>Mermaid</summary><pre><code>${html(b.source)}</code></pre></details>`;
    // The SVG is ours: built by flow-svg.ts / rate-svg.ts with every text escaped.
    case 'figure': return `<figure class="figure-${b.name}">\n${b.svg}<figcaption>${html(b.caption)}</figcaption>\n</figure>`;
  }
}

export function renderReportHtml(doc: ReportDocument): string {
  return `<!DOCTYPE html>
<html lang="${doc.lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(doc.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${doc.blocks.filter((b) => b.type !== 'paragraph' || !b.content.some((p) => typeof p === 'object' && 'link' in p)).map(block).join('\n')}
</main>
</body>
</html>
`;
}
