/**
 * Payload classification (src/mqtt/payload.ts): the byte grammar check that recognises JSON payloads agrees with
 * JSON.parse, on hand-picked edge cases and on strings made by mutating JSON texts (a fixed seed, so a failure
 * reproduces); and describePayload gives the same format as the definition (UTF-8, no C0 control but TAB/LF/CR or DEL,
 * JSON.parse succeeds on an object, array or string).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describePayload, isJsonText } from '../src/mqtt/payload.js';

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const EDGES = [
  '{"a":1}', '[1,2,{"b":[true,false,null]}]', '"x\\u00e9"', '{"a" : -0.5e+10 , "b":[]}', '[[[[]]]]', '{}', '[]', '""',
  '{"a":"\\/"}', '1', '-0', '1e5', '[1,]', '{"a":1,}', '{"a"}', '[01]', '"\t"', '["\\x"]', '[-]', '[1.]', '[.5]', '[1e]',
  'tru', '{"a":1}x', '  {"a":[1, 2.5E-3]}  \r\n', '{"\u2028":1}', '["\\uD800"]', '["\\u12"]', '\u00a0{}', '{"a":1}\u00a0',
  '[1 2]', '{"a" 1}', '{,}', '[,1]', '{"a":1,"a":2}', '[1e+]', '[-01]', '[0.0e-0]', '"\u007f"', '[\u000b]', '[' .repeat(5000) + ']'.repeat(5000),
  '[' .repeat(5000) + ']'.repeat(4999), '{"a":{"b":{"c":[1,{"d":"e"}]}}}', 'null', ' ', '',
];

const PIECES = ['{', '}', '[', ']', '"', ':', ',', '\\', 'u', '0', '1', '9', '-', '+', '.', 'e', 'E', ' ', '\n', '\t', 'a',
  't', 'r', 'f', 'l', 's', 'n', '/', 'b', '\u00e9', '\u00a0', 'F', '\u0001', '\u007f'];

test('the JSON grammar check agrees with JSON.parse', () => {
  let seed = 12;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const mutate = (text: string): string => {
    const chars = [...text];
    for (let k = 0; k <= random(3); k++) {
      const at = random(chars.length + 1);
      const piece = PIECES[random(PIECES.length)]!;
      const op = random(3);
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, piece);
      else chars[at] = piece;
    }
    return chars.join('');
  };
  const cases = [...EDGES];
  for (let i = 0; i < 20000; i++) cases.push(mutate(EDGES[random(EDGES.length - 3)]!));
  let json = 0;
  for (const text of cases) {
    const expected = parses(text);
    if (expected) json++;
    assert.equal(isJsonText(Buffer.from(text)), expected, JSON.stringify(text.slice(0, 200)));
  }
  assert.ok(json > 1000 && json < cases.length - 1000, `both outcomes tested (${json} of ${cases.length} parse)`);
});

test('describePayload: JSON, text and binary as defined', () => {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
  for (const text of [...EDGES.slice(0, 40), '{"t": 28, "unit": "C"}', 'plain text', '[1]\u0001', '"a\u007fb"', '  "x"  ']) {
    const bytes = Buffer.from(text);
    const first = text.trimStart()[0];
    const expected = text.length === 0 || control.test(text) ? (text.length === 0 ? 'text' : 'binary')
      : (first === '{' || first === '[' || first === '"') && parses(text) ? 'json' : 'text';
    assert.equal(describePayload(bytes).format, expected, JSON.stringify(text.slice(0, 80)));
  }
  assert.equal(describePayload(Buffer.from([0xff, 0x7b])).format, 'binary');
  // The grammar check runs before the UTF-8 one: JSON with text beyond ASCII, and JSON-shaped bytes that are not UTF-8.
  assert.deepEqual(describePayload(Buffer.from('{"t":"été → 28 °C"}')), { length: 24, format: 'json', text: '{"t":"été → 28 °C"}' });
  assert.deepEqual(describePayload(Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d])), { length: 5, format: 'binary', hex: '5b22ff225d' });
  assert.deepEqual(describePayload(Buffer.from([0x5b, 0x22, 0xc3, 0x22, 0x5d])), { length: 5, format: 'binary', hex: '5b22c3225d' });
  assert.equal(describePayload(Buffer.from('{"a":"x\u007fy", "b": "é"}')).format, 'binary');
  assert.equal(describePayload(Buffer.from('["é", 1')).format, 'text');
  assert.deepEqual(describePayload(Buffer.from('{"a":1}'), 100), { length: 100, format: 'text', text: '{"a":1}', incomplete: true });
});
