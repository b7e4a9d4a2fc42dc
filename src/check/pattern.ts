/**
 * Compiles an event pattern (rules.ts) into a predicate over TimelineEvents. How a pattern reads:
 * - without `kind`, a pattern matches packets (`{layer: mqtt}`: MQTT packets, not MQTT findings), unless it names a
 *   finding field (`code`, `severity`, `type: finding`) or a lifecycle type or field, which make it match those;
 * - every other key must hold for the event's field of that name: equal to a scalar, present for "*", compared for
 *   `{">": n}`..., contained for a list field (`flags: FIN`);
 * - `topic` takes MQTT wildcards, and on a SUBSCRIBE or UNSUBSCRIBE matches when one of its filters covers the topic
 *   (`sister/#` covers `sister/temp`); `payload` compares text, or takes `{text|contains|regex|json}`; `forwarded` and
 *   `answered` test whether a PUBLISH was linked to its source, a response to its request.
 * Pure: it judges one event at a time and keeps nothing.
 */
import type { TimelineEvent } from '../model/events.js';
import { topicMatches } from '../mqtt/topic.js';
import type { EventPattern } from './rules.js';
import { LIFECYCLE_TYPES } from './vocabulary.js';

export type EventPredicate = (event: TimelineEvent) => boolean;

const FINDING_FIELDS = new Set(['code', 'severity', 'detail', 'evidence']);
const LIFECYCLE_FIELDS = new Set(['synSeen', 'clientFromSyn', 'evictedBefore', 'state', 'willTopic', 'reason', 'closedBy', 'handshake', 'synAttempts', 'firstFrame', 'lastFrame',
  'bytesToServer', 'bytesToClient', 'protocol', 'transport', 'connackCode', 'notStarted', 'packets', 'durationSeconds']);

/** Which kind of event a pattern is about. */
export function patternKind(pattern: EventPattern): TimelineEvent['kind'] {
  const kind = pattern['kind'];
  if (kind === 'packet' || kind === 'lifecycle' || kind === 'finding') return kind;
  if (pattern['type'] === 'finding' || Object.keys(pattern).some((k) => FINDING_FIELDS.has(k))) return 'finding';
  if ((LIFECYCLE_TYPES as readonly unknown[]).includes(pattern['type']) || Object.keys(pattern).some((k) => LIFECYCLE_FIELDS.has(k))) return 'lifecycle';
  return 'packet';
}

type Comparison = Partial<Record<'<' | '<=' | '>' | '>=' | '!=', unknown>>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compare(actual: unknown, want: Comparison): boolean {
  for (const [op, bound] of Object.entries(want)) {
    if (op === '!=') { if (actual === bound) return false; continue; }
    if (typeof actual !== 'number' || typeof bound !== 'number') return false;
    if ((op === '<' && !(actual < bound)) || (op === '<=' && !(actual <= bound))
      || (op === '>' && !(actual > bound)) || (op === '>=' && !(actual >= bound))) return false;
  }
  return true;
}

/** A scalar, "*" or a comparison against one field's value. */
export function valueMatches(actual: unknown, want: unknown): boolean {
  if (want === '*') return actual !== undefined;
  if (isObject(want)) return actual !== undefined && compare(actual, want);
  if (Array.isArray(actual)) return actual.includes(want);
  return actual === want;
}

function jsonField(doc: unknown, path: string): unknown {
  let at: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(at) && /^\d+$/.test(part)) at = at[Number(part)];
    else if (isObject(at)) at = at[part];
    else return undefined;
  }
  return at;
}

function payloadPredicate(want: unknown): (payload: { text?: string; hex?: string } | undefined) => boolean {
  if (typeof want === 'string') return (p) => p !== undefined && (p.text ?? p.hex) === want;
  const spec = want as { text?: string; contains?: string; regex?: string; json?: Record<string, unknown> };
  const regex = spec.regex !== undefined ? new RegExp(spec.regex, 'u') : undefined;
  return (p) => {
    const text = p?.text;
    if (text === undefined) return false;
    if (spec.text !== undefined && text !== spec.text) return false;
    if (spec.contains !== undefined && !text.includes(spec.contains)) return false;
    if (regex !== undefined && !regex.test(text)) return false;
    if (spec.json !== undefined) {
      let doc: unknown;
      try { doc = JSON.parse(text); } catch { return false; }
      for (const [path, value] of Object.entries(spec.json)) if (!valueMatches(jsonField(doc, path), value)) return false;
    }
    return true;
  };
}

export function compilePattern(pattern: EventPattern): EventPredicate {
  const kind = patternKind(pattern);
  const tests: Array<(e: Record<string, unknown>) => boolean> = [];
  for (const [key, want] of Object.entries(pattern)) {
    switch (key) {
      case 'kind': break;
      case 'topic': {
        const filter = String(want);
        const wild = filter.includes('+') || filter.includes('#');
        const covers = (f: string): boolean => f === filter || topicMatches(f, filter) || (wild && topicMatches(filter, f));
        tests.push((e) => {
          if (typeof e['topic'] === 'string') return wild ? topicMatches(filter, e['topic']) : e['topic'] === filter;
          // SUBSCRIBE / UNSUBSCRIBE: one of its filters covers the topic (or is covered by the pattern's filter).
          const subscriptions = e['subscriptions'] as Array<{ topic: string }> | undefined;
          if (subscriptions !== undefined) return subscriptions.some((s) => covers(s.topic));
          const unsubscriptions = e['unsubscriptions'] as string[] | undefined;
          return unsubscriptions !== undefined && unsubscriptions.some(covers);
        });
        break;
      }
      case 'payload': {
        const test = payloadPredicate(want);
        tests.push((e) => test(e['payload'] as { text?: string; hex?: string } | undefined));
        break;
      }
      case 'forwarded': tests.push((e) => (e['sourceFrame'] !== undefined) === want); break;
      case 'answered': tests.push((e) => (e['requestFrame'] !== undefined) === want); break;
      default: tests.push((e) => valueMatches(e[key], want));
    }
  }
  return (event) => {
    if (event.kind !== kind) return false;
    const fields = event as unknown as Record<string, unknown>;
    for (const test of tests) if (!test(fields)) return false;
    return true;
  };
}

function formatValue(value: unknown): string {
  if (isObject(value)) return Object.entries(value).map(([op, v]) => `${op}${formatValue(v)}`).join(',');
  const text = String(value);
  return /[\s"]/.test(text) || text === '' ? JSON.stringify(text) : text;
}

/** A pattern in the one-line rule syntax ("PUBLISH topic=sister/temp"), for default rule names. */
export function formatPattern(pattern: EventPattern): string {
  const parts: string[] = [];
  const type = pattern['type'];
  if (typeof type === 'string' && !/\s/.test(type)) parts.push(type);
  for (const [key, value] of Object.entries(pattern)) {
    if (key === 'type' && parts.length > 0) continue;
    if (key === 'payload' && isObject(value)) {
      for (const [how, v] of Object.entries(value)) {
        if (how === 'json' && isObject(v)) for (const [p, x] of Object.entries(v)) parts.push(`payload.${p}=${formatValue(x)}`);
        else parts.push(how === 'regex' ? `payload~${formatValue(v)}` : how === 'contains' ? `payload*=${formatValue(v)}` : `payload=${formatValue(v)}`);
      }
      continue;
    }
    parts.push(isObject(value) ? Object.entries(value).map(([op, v]) => `${key}${op}${formatValue(v)}`).join(' ') : `${key}=${formatValue(value)}`);
  }
  return parts.join(' ');
}
