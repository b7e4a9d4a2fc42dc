/**
 * The requests a session keeps awaiting their response (src/mqtt/session.ts: a typed-array table, no object or Map
 * entry per request) pair exactly as a plain Map keyed by (direction, response, packet id) does, and leave the same
 * unanswered requests in the same order: checked on long random sequences of requests and answers that reuse packet
 * ids, answer what was never asked, ask twice under one key, send several requests in one frame, and grow and shrink
 * the table. The real captures' pairing
 * is checked by test/output-identity.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answeredKey, MqttSession, type Direction, type PendingRequest } from '../src/mqtt/session.js';

const RESPONSES = ['CONNACK', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBACK', 'UNSUBACK', 'PINGRESP'];

test('pending requests pair and remain as with a plain Map, on random sequences', () => {
  let seed = 0x1234567;
  const random = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    // The high bits: an LCG's low bits repeat with short periods.
    return (seed >>> 12) % n;
  };
  for (let round = 0; round < 100; round++) {
    const session = new MqttSession(0);
    const plain = new Map<string, PendingRequest>();
    const pings: PendingRequest[] = [];
    // Few ids in some rounds (a small table that fills and empties), many in others (it grows).
    const ids = round % 2 === 0 ? 8 : 2000;
    let answered = 0;
    for (let i = 0; i < 4000; i++) {
      const from: Direction = random(2) === 0 ? 'client' : 'server';
      const response = RESPONSES[random(RESPONSES.length)]!;
      const packetId = random(6) === 0 ? undefined : random(ids);
      if (random(2) === 0) {
        // Several requests per frame (as several PUBLISH in one segment): their order then comes from when each was added.
        const request: PendingRequest = { type: `REQUEST-${response}`, frame: Math.floor(i / 16) + 1, time: i / 100, packetId };
        assert.equal(session.expect(from, response, packetId, request.type, request.frame, request.time, packetId), true);
        if (response === 'PINGRESP') pings.push(request);
        else {
          const key = `${from}|${response}|${packetId}`;
          // Its key is the one the answer from the other side gives (what a resumed session matches on).
          request.key = answeredKey(from === 'client' ? 'server' : 'client', response, packetId);
          // Map.set on a key already there keeps its place in the order.
          plain.set(key, request);
        }
      } else {
        const pairing = session.answer(from, response, packetId, i / 100);
        let request: PendingRequest | undefined;
        if (response === 'PINGRESP') request = pings.shift();
        else {
          const key = `${from === 'client' ? 'server' : 'client'}|${response}|${packetId}`;
          request = plain.get(key);
          plain.delete(key);
        }
        assert.equal(pairing?.requestFrame, request?.frame, `round ${round}, step ${i}`);
        if (request !== undefined) {
          answered++;
          assert.equal(pairing!.latencyMs, (i / 100 - request.time) * 1000);
        }
      }
    }
    assert.ok(answered > 100, `round ${round}: ${answered} answers paired`);
    const expected = [...plain.values(), ...pings].sort((a, b) => a.frame - b.frame);
    assert.deepEqual(session.takeUnanswered(), expected, `round ${round}`);
    assert.deepEqual(session.takeUnanswered(), [], 'taken once');
  }
});
