/**
 * The name of a request → response latency kind ("CONNECT→CONNACK", "PUBLISH→PUBACK", ...), from the response's
 * packet type: one vocabulary for the summary's latency table and the live view's latency windows; and which
 * delivered PUBLISH measures the broker's forwarding delay, for the summary, the live view and `check` alike. Pure.
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

/**
 * The broker's forwarding delay a delivered PUBLISH measures (its `forwardDelayMs`), or undefined when it measures
 * something else: a retained copy sent on subscription tells how old the message was, a Will (`willOf`) when its
 * client's connection ended (or its Will Delay), neither how fast the broker forwards.
 */
export function forwardingDelayMs(e: { forwardDelayMs?: number; retain?: boolean; willOf?: string }): number | undefined {
  return e.retain !== true && e.willOf === undefined ? e.forwardDelayMs : undefined;
}
