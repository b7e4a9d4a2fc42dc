/**
 * GitHub Actions workflow commands for `mqtt-pcap check` (printed when GITHUB_ACTIONS=true): one `::error` per failed
 * rule, placed on the rule's line in the rules file when it came from one, titled with the capture and the rule,
 * its message the finding and the evidence; one per unreadable capture. Formatting only.
 */
import type { CaptureVerdict } from '../check/evaluate.js';

/** Escaping of a command's message (GitHub's toolkit: %, CR, LF). */
function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a command's property value (also : and ,). */
function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function renderAnnotations(verdicts: CaptureVerdict[]): string {
  const lines: string[] = [];
  for (const v of verdicts) {
    if (v.error !== undefined) lines.push(`::error title=${property(`mqtt-pcap check: ${v.file}`)}::${data(v.error)}`);
    for (const r of v.results) {
      if (r.ok) continue;
      const place = r.place !== undefined ? `file=${property(r.place.file)},line=${r.place.line},col=${r.place.column},` : '';
      const evidence = r.evidence.map((e) => `frame ${e.frame}: ${e.what}`);
      if (r.moreEvidence > 0) evidence.push(`… and ${r.moreEvidence} more`);
      const message = [`${v.file}: ${r.found} (required: ${r.required})`, ...evidence].join('\n');
      lines.push(`::error ${place}title=${property(`${v.file}: ${r.name}`)}::${data(message)}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
