/**
 * The name of a request → response latency kind ("CONNECT→CONNACK", "PUBLISH→PUBACK", ...), from the response's
 * packet type: one vocabulary for the summary's latency table and the live view's latency windows. Pure.
 */

/** The request each response answers. */
const REQUEST_OF: Readonly<Record<string, string>> = {
  CONNACK: 'CONNECT', PUBACK: 'PUBLISH', PUBREC: 'PUBLISH', PUBREL: 'PUBREC', PUBCOMP: 'PUBREL',
  SUBACK: 'SUBSCRIBE', UNSUBACK: 'UNSUBSCRIBE', PINGRESP: 'PINGREQ',
};

/** "REQUEST→RESPONSE" for the response packet type `type` ("?→TYPE" when it answers nothing we know). */
export function latencyKind(type: string): string {
  return `${REQUEST_OF[type] ?? '?'}→${type}`;
}
