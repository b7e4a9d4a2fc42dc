/**
 * Rules given as command-line flags, for one-liners: `--expect 'PUBLISH topic=sister/temp count>=3'`,
 * `--forbid 'tcp.retransmission'`, `--latency 'CONNECT->CONNACK<100ms'`. Each is turned into the same document a
 * rules file holds and checked by the same schema and vocabulary (load.ts), so a typo gets the same "did you mean".
 * Syntax in docs/checks.md. Pure.
 */
import { buildRules, checkDocument } from './load.js';
import type { EventPattern, Rule, RuleProblem } from './rules.js';
import { didYouMean } from './suggest.js';
import { findingCodes, KNOWN_TYPES } from './vocabulary.js';

export interface OneLineRules {
  expect?: string[];
  forbid?: string[];
  latency?: string[];
}

const LAYERS = ['frame', 'arp', 'ip', 'tcp', 'tls', 'mqtt', 'capture'];

/** Splits on blanks, keeping "quoted text" (double or single quotes) in one piece, quotes removed. */
function tokens(text: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s"']+|"[^"]*"|'[^']*')+/g;
  for (const m of text.matchAll(re)) out.push(m[0].replace(/"([^"]*)"|'([^']*)'/g, (_, a: string | undefined, b: string | undefined) => a ?? b ?? ''));
  return out;
}

function scalar(text: string): string | number | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

interface Parsed { match: EventPattern; min?: number; max?: number }

/** One bare word: a finding code, layer.field (a flag set to true), layer.TYPE, a layer, or a type. */
function word(w: string, match: EventPattern): string | undefined {
  if (findingCodes().includes(w) || w.endsWith('.*') || w.startsWith('diag.')) { match['code'] = w; return undefined; }
  const dot = w.indexOf('.');
  if (dot > 0 && LAYERS.includes(w.slice(0, dot))) {
    match['layer'] = w.slice(0, dot);
    const rest = w.slice(dot + 1);
    if (KNOWN_TYPES.some((t) => t.toLowerCase() === rest.toLowerCase()) && rest.toLowerCase() !== 'arp') match['type'] = rest;
    else match[rest] = true;
    return undefined;
  }
  if (LAYERS.includes(w)) { match['layer'] = w; return undefined; }
  if (/^[A-Za-z][\w -]*$/.test(w) && KNOWN_TYPES.some((t) => t.toLowerCase() === w.toLowerCase())) { match['type'] = w; return undefined; }
  if (w.includes('.')) return `"${w}" is neither a finding code nor layer.field${didYouMean(w, findingCodes())}`;
  match['type'] = w;
  return undefined;
}

function parsePattern(text: string): { parsed?: Parsed; problem?: string } {
  const parsed: Parsed = { match: {} };
  for (const t of tokens(text)) {
    const m = /^([A-Za-z][\w.]*?)(>=|<=|!=|==|\*=|=|>|<|~)(.*)$/s.exec(t);
    if (m === null) {
      const problem = word(t, parsed.match);
      if (problem !== undefined) return { problem };
      continue;
    }
    const [, key = '', op = '', raw = ''] = m;
    if (key === 'count') {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) return { problem: `count${op}${raw}: a count is a whole number` };
      if (op === '>=' || op === '=' || op === '==') parsed.min = n;
      if (op === '>') parsed.min = n + 1;
      if (op === '<=' || op === '=' || op === '==') parsed.max = n;
      if (op === '<') parsed.max = n - 1;
      if (op === '!=' || op === '~' || op === '*=') return { problem: `count${op}: use >=, <=, =, > or <` };
      continue;
    }
    const value = scalar(raw);
    if (key === 'payload' || key.startsWith('payload.')) {
      const payload = (typeof parsed.match['payload'] === 'object' ? parsed.match['payload'] : {}) as Record<string, unknown>;
      if (key === 'payload' && (op === '=' || op === '==')) payload['text'] = raw;
      else if (key === 'payload' && op === '~') payload['regex'] = raw;
      else if (key === 'payload' && op === '*=') payload['contains'] = raw;
      else if (key.startsWith('payload.')) {
        const json = (payload['json'] ?? {}) as Record<string, unknown>;
        json[key.slice(8)] = op === '=' || op === '==' ? value : { [op]: value };
        payload['json'] = json;
      } else return { problem: `payload${op}: use payload=TEXT, payload~REGEX, payload*=TEXT or payload.FIELD=VALUE` };
      parsed.match['payload'] = payload;
      continue;
    }
    if (op === '~' || op === '*=') return { problem: `${key}${op}: ~ and *= apply to the payload only` };
    parsed.match[key] = op === '=' || op === '==' ? value : { [op]: value };
  }
  if (Object.keys(parsed.match).length === 0) return { problem: 'no event pattern' };
  return { parsed };
}

const LATENCY = /^\s*([A-Za-z]+\s*(?:->|→|-)\s*[A-Za-z]+(?:\s*\(\s*[A-Za-z]+\s*\))?|[A-Za-z]+)(?:\s+(max|median|p95))?\s*(<=|<)\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/;

/** The rules the flags state, or every problem in them (each names its flag and text). */
export function parseOneLineRules(flags: OneLineRules): { rules: Rule[]; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const rules: Rule[] = [];
  const add = (flag: string, text: string, doc: Record<string, unknown>): void => {
    const source = `${flag} '${text}'`;
    const found = checkDocument(doc);
    if (found.length > 0) { for (const p of found) problems.push({ source, message: p.message }); return; }
    for (const rule of buildRules(doc, () => undefined)) rules.push({ ...rule, name: `${flag.slice(2)} ${text}` });
  };
  for (const flag of ['expect', 'forbid'] as const) {
    for (const text of flags[flag] ?? []) {
      const { parsed, problem } = parsePattern(text);
      if (parsed === undefined) { problems.push({ source: `--${flag} '${text}'`, message: problem ?? 'invalid' }); continue; }
      const rule: Record<string, unknown> = { match: parsed.match };
      if (flag === 'expect' && parsed.min !== undefined) rule['min'] = parsed.min;
      if (parsed.max !== undefined) rule['max'] = parsed.max;
      if (flag === 'forbid' && parsed.min !== undefined) { problems.push({ source: `--forbid '${text}'`, message: 'a forbid rule takes count<=N (how many are tolerated), not a minimum' }); continue; }
      add(`--${flag}`, text, { [flag]: [rule] });
    }
  }
  for (const text of flags.latency ?? []) {
    const m = LATENCY.exec(text);
    if (m === null) { problems.push({ source: `--latency '${text}'`, message: 'expected KIND<BOUND, e.g. CONNECT->CONNACK<100ms or "PUBLISH->PUBACK p95<20ms" or forwarding<50ms' }); continue; }
    const [, kind = '', stat = 'max', , value = '0', unit = 'ms'] = m;
    const bound = Number(value) * (unit === 's' ? 1000 : 1);
    const key = kind.replace(/\s+/g, '').replace('→', '->').replace('(', ' (');
    add('--latency', text, { latency: { [key]: { [`${stat}Ms`]: bound } } });
  }
  return { rules, problems };
}
