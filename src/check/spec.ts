/**
 * The declarative check a CI pipeline writes: which events must appear (and how often), which must not, and latency
 * bounds. `parseCheckSpec` validates a parsed JSON document into a CheckSpec or lists every problem in it; it is pure.
 */

/** Matches events: every key given must equal the event's field (see docs/checks.md for the special keys). */
export type EventPattern = Record<string, unknown>;

export interface ExpectRule {
  /** Human name for the report (defaults to the pattern as JSON). */
  name?: string;
  match: EventPattern;
  /** At least this many matching events (default 1). */
  min?: number;
  /** At most this many. */
  max?: number;
}

export interface LatencyBound {
  maxMs?: number;
  medianMs?: number;
  p95Ms?: number;
  /** At least this many samples. */
  min?: number;
}

export interface CheckSpec {
  expect: ExpectRule[];
  /** Patterns no event may match. */
  forbid: ExpectRule[];
  /** Keyed like summary.mqtt.latency ("CONNECT→CONNACK", or with "->"), plus "forwarding". */
  latency: Record<string, LatencyBound>;
}

const RULE_KEYS = new Set(['name', 'match', 'min', 'max']);
const BOUND_KEYS = new Set(['maxMs', 'medianMs', 'p95Ms', 'min']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseRules(value: unknown, where: string, problems: string[]): ExpectRule[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`${where} must be an array`);
    return [];
  }
  const rules: ExpectRule[] = [];
  value.forEach((raw, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(raw)) { problems.push(`${at} must be an object`); return; }
    // Shorthand: a rule without "match" is itself the pattern.
    const hasMatch = 'match' in raw;
    const match = hasMatch ? raw['match'] : Object.fromEntries(Object.entries(raw).filter(([k]) => !RULE_KEYS.has(k)));
    if (!isObject(match) || Object.keys(match).length === 0) { problems.push(`${at}.match must be a non-empty object`); return; }
    if (hasMatch) for (const key of Object.keys(raw)) if (!RULE_KEYS.has(key)) problems.push(`${at}: unknown key "${key}"`);
    const rule: ExpectRule = { match };
    for (const key of ['min', 'max'] as const) {
      const n = raw[key];
      if (n === undefined) continue;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) problems.push(`${at}.${key} must be a non-negative integer`);
      else rule[key] = n;
    }
    if (typeof raw['name'] === 'string') rule.name = raw['name'];
    rules.push(rule);
  });
  return rules;
}

export function parseCheckSpec(doc: unknown): { spec?: CheckSpec; problems: string[] } {
  const problems: string[] = [];
  if (!isObject(doc)) return { problems: ['the check spec must be a JSON object'] };
  for (const key of Object.keys(doc)) if (!['expect', 'forbid', 'latency', '$schema', 'description'].includes(key)) problems.push(`unknown key "${key}"`);
  const expect = parseRules(doc['expect'], 'expect', problems);
  const forbid = parseRules(doc['forbid'], 'forbid', problems);
  const latency: Record<string, LatencyBound> = {};
  const rawLatency = doc['latency'];
  if (rawLatency !== undefined) {
    if (!isObject(rawLatency)) problems.push('latency must be an object');
    else for (const [kind, raw] of Object.entries(rawLatency)) {
      if (!isObject(raw)) { problems.push(`latency["${kind}"] must be an object`); continue; }
      const bound: LatencyBound = {};
      for (const [key, n] of Object.entries(raw)) {
        if (!BOUND_KEYS.has(key)) { problems.push(`latency["${kind}"]: unknown key "${key}"`); continue; }
        if (typeof n !== 'number' || n < 0) { problems.push(`latency["${kind}"].${key} must be a non-negative number`); continue; }
        bound[key as keyof LatencyBound] = n;
      }
      latency[kind.replace('->', '→')] = bound;
    }
  }
  if (expect.length === 0 && forbid.length === 0 && Object.keys(latency).length === 0) problems.push('the spec checks nothing: give expect, forbid or latency');
  return problems.length > 0 ? { problems } : { spec: { expect, forbid, latency }, problems };
}
