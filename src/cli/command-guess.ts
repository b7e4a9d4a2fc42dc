/**
 * Tells a mistyped command from a capture file name: `mqtt-pcap analyse x.pcap` is the command "analyse", unknown,
 * probably "analyze" — not the file "analyse" with a stray argument. Pure; the caller prints and exits.
 */
import { existsSync } from 'node:fs';

/** Edit distance (insertions, deletions, substitutions, swaps of neighbours) between two short words. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The usage error for a first argument that is not a command, not an option and not an existing file, when it looks
 * like a command (close to one, or followed by another argument); undefined otherwise (it is then a file name, and
 * a missing file is reported as such).
 */
export function unknownCommandMessage(argv: readonly string[], commands: readonly string[]): string | undefined {
  const first = argv[0];
  if (first === undefined || first.startsWith('-') || commands.includes(first) || existsSync(first)) return undefined;
  const lower = first.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const command of commands) {
    const distance = editDistance(lower, command);
    if (distance < bestDistance) {
      best = command;
      bestDistance = distance;
    }
  }
  if (best !== undefined && (bestDistance <= 2 || (lower.length >= 3 && best.startsWith(lower)))) {
    return `unknown command "${first}" — did you mean "${best}"?`;
  }
  const looksLikeFile = /[./\\]/.test(first);
  const second = argv[1];
  if (!looksLikeFile && second !== undefined && !second.startsWith('-')) return `unknown command "${first}" (commands: ${commands.join(', ')})`;
  return undefined;
}
