/**
 * How a subscription filter that matched nothing differs from a topic that was published: case, slashes, spaces, a
 * misplaced wildcard, or a typing mistake (Damerau-Levenshtein distance, level by level when the filter has
 * wildcards). Pure functions; it knows nothing of events.
 */
import { sharedSubscriptionPrefix, topicMatches } from '../mqtt/topic.js';

export type DifferenceKind = 'case' | 'slash' | 'whitespace' | 'unicode' | 'wildcard' | 'typo';

/** A one-character edit (typo), or several. */
export interface Edit {
  op: 'missing' | 'extra' | 'swapped' | 'replaced' | 'several';
  /** The characters as typed in the filter and as in the topic ('' when none). */
  typed: string;
  meant: string;
  distance: number;
}

export type WildcardRule = 'hash-not-last' | 'plus-one-level' | 'plus-extra-level' | 'partial-level' | 'exact-only';

export type SlashChange = 'leading-extra' | 'leading-missing' | 'trailing-extra' | 'trailing-missing' | 'doubled';

export interface TopicDifference {
  kind: DifferenceKind;
  edit?: Edit;
  wildcard?: { rule: WildcardRule; suggestion: string };
  slashes?: SlashChange[];
  /** Smaller is more similar: 0 for case/slash/space, 1 for a wildcard, 1 + the edit distance for a typo. */
  score: number;
}

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps), stopping early past `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push(new Array<number>(b.length + 1).fill(0));
  for (let i = 0; i <= a.length; i++) rows[i]![0] = i;
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let best = Number.POSITIVE_INFINITY;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = v;
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
  }
  return rows[a.length]![b.length]!;
}

/** The edit between `typed` and `meant` (one character, or "several"). */
export function describeEdit(typed: string, meant: string): Edit {
  let start = 0;
  while (start < typed.length && start < meant.length && typed[start] === meant[start]) start++;
  let endT = typed.length;
  let endM = meant.length;
  while (endT > start && endM > start && typed[endT - 1] === meant[endM - 1]) { endT--; endM--; }
  const t = typed.slice(start, endT);
  const m = meant.slice(start, endM);
  if (t.length === 0 && m.length === 1) return { op: 'missing', typed: t, meant: m, distance: 1 };
  if (t.length === 1 && m.length === 0) return { op: 'extra', typed: t, meant: m, distance: 1 };
  if (t.length === 2 && m.length === 2 && t[0] === m[1] && t[1] === m[0]) return { op: 'swapped', typed: t, meant: m, distance: 1 };
  if (t.length === 1 && m.length === 1) return { op: 'replaced', typed: t, meant: m, distance: 1 };
  return { op: 'several', typed: t, meant: m, distance: editDistance(typed, meant) };
}

/** The edit between the first literal level of `filter` that differs from `topic`'s (a wildcard level stands for any). */
function lookAlikeEdit(filter: string, topic: string): Edit {
  const fl = filter.split('/');
  const tl = topic.split('/');
  for (let i = 0; i < fl.length && i < tl.length; i++) {
    const f = fl[i]!;
    if (f === '+' || f === '#') continue;
    if (f !== tl[i]) return describeEdit(f, tl[i]!);
  }
  return describeEdit(filter, topic);
}

/** `s` without repeated, leading or trailing slashes. */
export function normaliseSlashes(s: string): string {
  return s.replace(/\/{2,}/g, '/').replace(/^\/+/, '').replace(/\/+$/, '');
}

function slashChanges(filter: string, topic: string): SlashChange[] {
  const out: SlashChange[] = [];
  if (filter.startsWith('/') !== topic.startsWith('/')) out.push(filter.startsWith('/') ? 'leading-extra' : 'leading-missing');
  if (filter.endsWith('/') !== topic.endsWith('/')) out.push(filter.endsWith('/') ? 'trailing-extra' : 'trailing-missing');
  if (/\/\//.test(filter) !== /\/\//.test(topic)) out.push('doubled');
  return out;
}

/** Filters one wildcard change away from `filter`, each with the rule it breaks. */
function wildcardCandidates(filter: string): Array<{ filter: string; rule: WildcardRule }> {
  const levels = filter.split('/');
  const out: Array<{ filter: string; rule: WildcardRule }> = [];
  const join = (parts: string[]): string => parts.join('/');
  levels.forEach((level, i) => {
    const before = levels.slice(0, i);
    const after = levels.slice(i + 1);
    if (level === '#' && i < levels.length - 1) {
      out.push({ filter: join([...before, ...after]), rule: 'hash-not-last' });
      out.push({ filter: join([...before, '+', ...after]), rule: 'hash-not-last' });
    } else if (level === '+') {
      out.push({ filter: join([...before, '#']), rule: 'plus-one-level' });
      if (before.length + after.length > 0) out.push({ filter: join([...before, ...after]), rule: 'plus-extra-level' });
    } else if (level !== '#' && /[#+]/.test(level)) {
      const cleaned = level.replace(/[#+]/g, '');
      out.push({ filter: join([...before, cleaned, ...after]), rule: 'partial-level' });
      out.push({ filter: join([...before, cleaned, level.includes('#') ? '#' : '+', ...after]), rule: 'partial-level' });
    }
  });
  if (!filter.includes('#') && !filter.includes('+')) out.push({ filter: `${filter}/#`, rule: 'exact-only' });
  return out;
}

/** 'bulb2' for 'bulb1', 'room-3' for 'room-4': numbered siblings are different things, not typing mistakes. */
function numberedSibling(a: string, b: string): boolean {
  const e = describeEdit(a, b);
  return e.op === 'replaced' && /\d/.test(e.typed) && /\d/.test(e.meant);
}

function typoLimit(length: number): number {
  return length <= 4 ? 1 : length <= 12 ? 2 : 3;
}

/**
 * How `filter` differs from `topic`, when it is a likely mistake for it; undefined when it already matches or is not
 * similar. A shared subscription (`$share/group/filter`) is compared by the filter after its group, and a wildcard
 * suggestion keeps the group.
 */
export function compareFilterToTopic(filter: string, topic: string): TopicDifference | undefined {
  const shared = sharedSubscriptionPrefix(filter);
  if (shared === '') return compareUnshared(filter, topic);
  const difference = compareUnshared(filter.slice(shared.length), topic);
  if (difference?.wildcard !== undefined) difference.wildcard = { ...difference.wildcard, suggestion: shared + difference.wildcard.suggestion };
  return difference;
}

function compareUnshared(filter: string, topic: string): TopicDifference | undefined {
  if (topicMatches(filter, topic)) return undefined;
  if (filter.trim() !== filter || topic.trim() !== topic) {
    if (topicMatches(filter.trim(), topic.trim())) return { kind: 'whitespace', score: 0 };
  }
  if (topicMatches(filter.toLowerCase(), topic.toLowerCase())) {
    return { kind: 'case', score: 0 };
  }
  // Characters that look alike but are others (NFKC compatibility: '℃' U+2103 for '°C', full-width letters, 'ﬁ' for
  // 'fi'), or one accented letter written precomposed and decomposed: invisible on screen, so the edit is kept.
  const nf = (x: string): string => x.normalize('NFKC');
  if ((nf(filter) !== filter || nf(topic) !== topic) && topicMatches(nf(filter), nf(topic))) {
    return { kind: 'unicode', edit: lookAlikeEdit(filter, topic), score: 0 };
  }
  if (topicMatches(normaliseSlashes(filter), normaliseSlashes(topic))) {
    return { kind: 'slash', slashes: slashChanges(filter, topic), score: 0 };
  }
  for (const c of wildcardCandidates(filter)) {
    if (topicMatches(c.filter, topic)) return { kind: 'wildcard', wildcard: { rule: c.rule, suggestion: c.filter }, score: 1 };
  }
  // A typing mistake: the whole string when the filter has no wildcards, else level by level.
  if (!/[#+]/.test(filter)) {
    const limit = typoLimit(topic.length);
    const d = editDistance(filter, topic, limit);
    if (d <= limit && !numberedSibling(filter, topic)) return { kind: 'typo', edit: d === 1 ? describeEdit(filter, topic) : { op: 'several', typed: filter, meant: topic, distance: d }, score: 1 + d };
    return undefined;
  }
  const fl = filter.split('/');
  const tl = topic.split('/');
  const multi = fl[fl.length - 1] === '#';
  if (multi ? tl.length < fl.length - 1 : tl.length !== fl.length) return undefined;
  let total = 0;
  let literal = 0;
  let only: { typed: string; meant: string } | undefined;
  for (let i = 0; i < fl.length; i++) {
    const f = fl[i]!;
    if (f === '#' || f === '+') continue;
    const t = tl[i] ?? '';
    literal += t.length;
    const d = editDistance(f, t, 3);
    if (d > 0) { total += d; only = total === d ? { typed: f, meant: t } : undefined; }
  }
  const limit = typoLimit(literal);
  if (total === 0 || total > limit || (only !== undefined && numberedSibling(only.typed, only.meant))) return undefined;
  const edit: Edit = total === 1 && only !== undefined ? describeEdit(only.typed, only.meant) : { op: 'several', typed: filter, meant: topic, distance: total };
  return { kind: 'typo', edit, score: 1 + total };
}

/** The published topic `filter` most likely meant, and how they differ; undefined when none is similar. */
export function closestTopic(filter: string, topics: Iterable<[string, number]>): { topic: string; difference: TopicDifference } | undefined {
  let best: { topic: string; difference: TopicDifference; messages: number } | undefined;
  for (const [topic, messages] of topics) {
    const difference = compareFilterToTopic(filter, topic);
    if (difference === undefined) continue;
    if (best === undefined || difference.score < best.difference.score
      || (difference.score === best.difference.score && messages > best.messages)) best = { topic, difference, messages };
  }
  return best === undefined ? undefined : { topic: best.topic, difference: best.difference };
}
