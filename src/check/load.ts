/**
 * Reads a rules file (YAML or JSON: both go through the YAML parser, which knows where every value is) into Rules,
 * or lists every problem in it with its line and column: syntax, the JSON Schema (schema.ts), then the words the
 * schema cannot fix (event types in their case, finding codes, regular expressions: vocabulary.ts). Reads the one
 * file it is given; judges nothing.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { formatPattern } from './pattern.js';
import type { EventPattern, HealthCheck, Rule, RulePlace, RuleProblem } from './rules.js';
import { validateRulesDocument } from './schema.js';
import { checkCode, checkType, normaliseLatencyKind } from './vocabulary.js';

export interface LoadedRules {
  rules: Rule[];
  problems: RuleProblem[];
}

export type Path = Array<string | number>;

const HEALTH_CHECKS: HealthCheck[] = ['retransmissions', 'gaps', 'malformed', 'resets', 'unanswered'];
const HEALTH_NAMES: Record<HealthCheck, string> = {
  retransmissions: 'no retransmitted MQTT data', gaps: 'no gaps in TCP streams', malformed: 'no malformed packets',
  resets: 'no resets mid-session', unanswered: 'no unanswered requests',
};

class Locator {
  constructor(private readonly doc: Document, private readonly lines: LineCounter, private readonly file: string) {}

  /** Where the value at `path` starts (or its key, for an unknown key); the nearest existing ancestor otherwise. */
  place(path: Path, atKey = false): RulePlace {
    for (let n = path.length; n >= 0; n--) {
      const sub = path.slice(0, n);
      if (atKey && n === path.length && n > 0) {
        const parent = this.doc.getIn(sub.slice(0, -1), true) as Node | undefined;
        if (isMap(parent)) {
          const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(sub[sub.length - 1]));
          const key = pair?.key as Node | undefined;
          if (key?.range !== undefined && key.range !== null) return this.at(key.range[0]);
        }
        continue;
      }
      const node = (n === 0 ? this.doc.contents : this.doc.getIn(sub, true)) as Node | null | undefined;
      if (node?.range !== undefined && node.range !== null) return this.at(node.range[0]);
    }
    return { file: this.file, line: 1, column: 1 };
  }

  private at(offset: number): RulePlace {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Problems the schema cannot see in one pattern: the case of a type, a finding code, a regular expression. */
function checkPattern(pattern: unknown, path: Path, report: (path: Path, message: string) => void): void {
  if (!isObject(pattern)) return;
  if (typeof pattern['type'] === 'string') {
    const problem = checkType(pattern['type']);
    if (problem !== undefined) report([...path, 'type'], problem);
  }
  if (typeof pattern['code'] === 'string') {
    const problem = checkCode(pattern['code']);
    if (problem !== undefined) report([...path, 'code'], problem);
  }
  const payload = pattern['payload'];
  if (isObject(payload) && typeof payload['regex'] === 'string') {
    try { new RegExp(payload['regex'], 'u'); } catch (error) { report([...path, 'payload', 'regex'], `invalid regular expression: ${(error as Error).message}`); }
  }
}

/** Every pattern of the document with its path. */
function patternsOf(doc: Record<string, unknown>): Array<[unknown, Path]> {
  const out: Array<[unknown, Path]> = [];
  for (const list of ['expect', 'forbid', 'rate'] as const) {
    const rules = doc[list];
    if (Array.isArray(rules)) rules.forEach((r, i) => { if (isObject(r)) out.push([r['match'], [list, i, 'match']]); });
  }
  if (Array.isArray(doc['order'])) doc['order'].forEach((r, i) => { if (isObject(r)) { out.push([r['first'], ['order', i, 'first']]); out.push([r['then'], ['order', i, 'then']]); } });
  const delivery = doc['delivery'];
  if (isObject(delivery)) for (const key of ['acknowledged', 'forwarded']) { const d = delivery[key]; if (isObject(d)) out.push([d['match'], ['delivery', key, 'match']]); }
  return out;
}

function allowance(value: unknown): number | undefined {
  if (value === false || value === undefined) return undefined;
  return value === true ? 0 : Number(value);
}

/** The Rules of a valid document, in the order the report lists them. */
export function buildRules(doc: Record<string, unknown>, place: (path: Path) => RulePlace | undefined): Rule[] {
  const rules: Rule[] = [];
  const named = (r: Record<string, unknown>, fallback: string): string => (typeof r['name'] === 'string' ? r['name'] : fallback);
  ((doc['expect'] ?? []) as Array<Record<string, unknown>>).forEach((r, i) => {
    const match = r['match'] as EventPattern;
    rules.push({ kind: 'expect', name: named(r, `expect ${formatPattern(match)}`), match, min: (r['min'] as number | undefined) ?? 1,
      ...(r['max'] !== undefined ? { max: r['max'] as number } : {}), place: place(['expect', i]) });
  });
  ((doc['forbid'] ?? []) as Array<Record<string, unknown>>).forEach((r, i) => {
    const match = r['match'] as EventPattern;
    rules.push({ kind: 'forbid', name: named(r, `forbid ${formatPattern(match)}`), match, max: (r['max'] as number | undefined) ?? 0, place: place(['forbid', i]) });
  });
  ((doc['order'] ?? []) as Array<Record<string, unknown>>).forEach((r, i) => {
    const first = r['first'] as EventPattern;
    const then = r['then'] as EventPattern;
    rules.push({ kind: 'order', name: named(r, `${formatPattern(first)} before the first ${formatPattern(then)}`), first, then, place: place(['order', i]) });
  });
  const delivery = (doc['delivery'] ?? {}) as Record<string, unknown>;
  for (const key of ['acknowledged', 'forwarded'] as const) {
    const d = delivery[key];
    if (d === undefined || d === false) continue;
    const spec = isObject(d) ? d : {};
    const match = spec['match'] as EventPattern | undefined;
    const what = key === 'acknowledged' ? 'every QoS ≥ 1 PUBLISH acknowledged' : 'every PUBLISH forwarded to each matching subscriber';
    rules.push({ kind: key, name: named(spec, `${what}${match !== undefined ? ` (${formatPattern(match)})` : ''}`),
      ...(match !== undefined ? { match } : {}), allow: (spec['allow'] as number | undefined) ?? 0, place: place(['delivery', key]) });
  }
  for (const [kind, bound] of Object.entries((doc['latency'] ?? {}) as Record<string, Record<string, unknown>>)) {
    const of = normaliseLatencyKind(kind);
    const limits = (['maxMs', 'medianMs', 'p95Ms'] as const).filter((k) => bound[k] !== undefined)
      .map((k) => `${k === 'maxMs' ? 'max' : k === 'medianMs' ? 'median' : 'p95'} < ${String(bound[k])} ms`);
    rules.push({ kind: 'latency', name: named(bound, `${of === 'forwarding' ? 'forwarding delay' : of === 'request-response' ? 'MQTT 5 request → response' : of}${limits.length > 0 ? ` ${limits.join(', ')}` : ''}`), of,
      ...(bound['maxMs'] !== undefined ? { maxMs: bound['maxMs'] as number } : {}),
      ...(bound['medianMs'] !== undefined ? { medianMs: bound['medianMs'] as number } : {}),
      ...(bound['p95Ms'] !== undefined ? { p95Ms: bound['p95Ms'] as number } : {}),
      min: (bound['min'] as number | undefined) ?? 1, place: place(['latency', kind]) });
  }
  ((doc['rate'] ?? []) as Array<Record<string, unknown>>).forEach((r, i) => {
    const match = r['match'] as EventPattern;
    const bounds = [r['maxPerSecond'] !== undefined ? `≤ ${String(r['maxPerSecond'])}/s` : '', r['minPerSecond'] !== undefined ? `≥ ${String(r['minPerSecond'])}/s` : ''].filter((s) => s !== '');
    rules.push({ kind: 'rate', name: named(r, `rate of ${formatPattern(match)} ${bounds.join(' and ')}`), match,
      ...(r['maxPerSecond'] !== undefined ? { maxPerSecond: r['maxPerSecond'] as number } : {}),
      ...(r['minPerSecond'] !== undefined ? { minPerSecond: r['minPerSecond'] as number } : {}),
      windowSeconds: (r['windowSeconds'] as number | undefined) ?? 1, place: place(['rate', i]) });
  });
  const health = (doc['health'] ?? {}) as Record<string, unknown>;
  for (const check of HEALTH_CHECKS) {
    const allow = allowance(health[check]);
    if (allow === undefined) continue;
    rules.push({ kind: 'health', check, name: `${HEALTH_NAMES[check]}${allow > 0 ? ` (${allow} allowed)` : ''}`, allow, place: place(['health', check]) });
  }
  const diagnosis = (doc['diagnosis'] ?? {}) as Record<string, unknown>;
  for (const mode of ['forbid', 'require'] as const) {
    ((diagnosis[mode] ?? []) as string[]).forEach((code, i) => {
      rules.push({ kind: 'diagnosis', mode, code, name: `${mode === 'forbid' ? 'no' : 'a'} ${code} finding`, place: place(['diagnosis', mode, i]) });
    });
  }
  return rules;
}

/** Every problem in a parsed rules document: the schema's, then the words it cannot fix. Paths, not places. */
export function checkDocument(data: unknown): Array<{ path: Path; message: string; atKey: boolean }> {
  const problems: Array<{ path: Path; message: string; atKey: boolean }> = validateRulesDocument(data);
  const report = (path: Path, message: string): void => { problems.push({ path, message, atKey: false }); };
  if (isObject(data)) {
    for (const [pattern, path] of patternsOf(data)) checkPattern(pattern, path, report);
    const diagnosis = data['diagnosis'];
    if (isObject(diagnosis)) {
      for (const mode of ['forbid', 'require']) {
        const codes = diagnosis[mode];
        if (Array.isArray(codes)) codes.forEach((code, i) => {
          const problem = typeof code === 'string' ? checkCode(code) : undefined;
          if (problem !== undefined) report(['diagnosis', mode, i], problem);
        });
      }
    }
  }
  return problems;
}

/** Parses and validates rules text; `file` names it in problems and places. */
export function parseRules(text: string, file: string): LoadedRules {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const locator = new Locator(doc, lines, file);
  const problems: RuleProblem[] = [];
  for (const error of doc.errors) {
    const pos = error.linePos?.[0];
    problems.push({ source: file, ...(pos !== undefined ? { line: pos.line, column: pos.col } : {}), message: error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') });
  }
  if (problems.length > 0) return { rules: [], problems };
  const data: unknown = doc.toJS();
  for (const p of checkDocument(data)) {
    const { line, column } = locator.place(p.path, p.atKey);
    problems.push({ source: file, line, column, message: p.message });
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  if (problems.length > 0 || !isObject(data)) return { rules: [], problems: problems.length > 0 ? problems : [{ source: file, message: 'the rules must be a mapping (expect:, forbid:, ...)' }] };
  const rules = buildRules(data, (path) => locator.place(path));
  if (rules.length === 0) problems.push({ source: file, message: 'the rules check nothing: give expect, forbid, order, delivery, latency, rate, health or diagnosis' });
  return { rules, problems };
}

/** Reads and parses a rules file; a file that cannot be read is one problem. */
export function loadRulesFile(file: string): LoadedRules {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { rules: [], problems: [{ source: file, message: `cannot read: ${(error as Error).message.split('\n')[0]}` }] };
  }
  return parseRules(text, file);
}
