/**
 * Validates a rules document against the published JSON Schema (docs/check-rules.schema.json, read at run time: the
 * file users see is the one the code uses) with ajv, and turns ajv's errors into one plain sentence per mistake, with
 * the path of the value at fault and a "did you mean" for unknown keys and values. It knows no file format.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { didYouMean } from './suggest.js';

/** Where the schema lives: docs/ of the package (dist/src/check/ → ../../../docs). */
export const SCHEMA_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/check-rules.schema.json');

export interface SchemaProblem {
  /** Path of the value at fault (keys and array indexes). */
  path: Array<string | number>;
  /** True when the problem is the key at the end of `path` itself (an unknown key), not its value. */
  atKey: boolean;
  message: string;
}

let validator: ValidateFunction | undefined;
let patternFields: string[] = [];

function compiled(): ValidateFunction {
  if (validator === undefined) {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as { $defs: { pattern: { properties: Record<string, unknown> } } };
    patternFields = Object.keys(schema.$defs.pattern.properties);
    validator = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, strictRequired: false }).compile(schema);
  }
  return validator;
}

/** The field names an event pattern may use, as the schema lists them. */
export function eventPatternFields(): string[] {
  compiled();
  return patternFields;
}

function pointerPath(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((part) => {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(key) ? Number(key) : key;
  });
}

function where(p: Array<string | number>): string {
  return p.length === 0 ? 'the rules' : p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

function isPatternSchema(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && 'properties' in schema
    && typeof (schema as { properties: unknown }).properties === 'object' && 'topic' in (schema as { properties: object }).properties;
}

function unknownKey(error: ErrorObject, at: Array<string | number>): SchemaProblem {
  const key = String((error.params as { additionalProperty: string }).additionalProperty);
  const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
  const p = [...at, key];
  if (isPatternSchema(error.parentSchema)) {
    return { path: p, atKey: true, message: `unknown event field "${key}" in a pattern${didYouMean(key, allowed)}` };
  }
  const hint = didYouMean(key, allowed);
  // An event field written straight into a rule (a forbid rule {tpye: PUBLISH}) belongs under match:.
  const asField = hint === '' && allowed.includes('match') ? didYouMean(key, eventPatternFields()) : '';
  const fieldHint = asField !== '' ? `${asField.replace('?', '')} under "match:"?` : '';
  return { path: p, atKey: true, message: `unknown key "${key}" in ${where(at)} (allowed: ${allowed.join(', ')})${hint}${fieldHint}` };
}

function describe(error: ErrorObject, at: Array<string | number>): SchemaProblem {
  switch (error.keyword) {
    case 'additionalProperties': return unknownKey(error, at);
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      if (error.propertyName !== undefined) {
        const key = error.propertyName;
        return { path: [...at, key], atKey: true, message: `unknown key "${key}" in ${where(at)}${didYouMean(key, allowed)}` };
      }
      const value = String(error.data);
      return { path: at, atKey: false, message: `${where(at)}: "${value}" is not one of ${allowed.join(', ')}${didYouMean(value, allowed)}` };
    }
    case 'required':
      return { path: at, atKey: false, message: `${where(at)} needs "${(error.params as { missingProperty: string }).missingProperty}"` };
    default:
      return { path: at, atKey: false, message: `${where(at)} ${error.message ?? 'is invalid'}` };
  }
}

/**
 * Every mistake in the document, one sentence each. ajv reports each alternative of an anyOf/oneOf that failed;
 * only the most telling are kept: errors deeper in the document win over "must be <type>" at their parent, and an
 * unknown key or bad value wins over the alternatives' type mismatches.
 */
export function validateRulesDocument(doc: unknown): SchemaProblem[] {
  const validate = compiled();
  if (validate(doc)) return [];
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'propertyNames');
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const problems: SchemaProblem[] = [];
  for (const [pointer, list] of byPath) {
    const deeper = [...byPath.keys()].some((k) => k.startsWith(`${pointer}/`));
    const alternatives = list.some((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
    const specific = list.filter((e) => !['anyOf', 'oneOf', 'type', 'required'].includes(e.keyword));
    const at = pointerPath(pointer);
    if (specific.length > 0) {
      for (const e of specific) problems.push(describe(e, at));
    } else if (alternatives) {
      if (deeper) continue;
      const required = list.filter((e) => e.keyword === 'required').map((e) => (e.params as { missingProperty: string }).missingProperty);
      if (required.length > 0) { problems.push({ path: at, atKey: false, message: `${where(at)} needs one of: ${required.join(', ')}` }); continue; }
      const types = [...new Set(list.filter((e) => e.keyword === 'type').flatMap((e) => [(e.params as { type: string | string[] }).type].flat()))];
      problems.push({ path: at, atKey: false, message: `${where(at)} must be ${types.join(' or ')}` });
    } else {
      for (const e of list) problems.push(describe(e, at));
    }
  }
  return problems;
}
