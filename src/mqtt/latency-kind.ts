/**
 * The name of a request → response latency kind ("CONNECT→CONNACK", "PUBLISH→PUBACK (broker)", ...), from the
 * response's packet type and who sent it: one vocabulary for the summary's latency table, the live view's latency
 * windows and check's latency rules. The publish acknowledgements are named by who answers, because the broker's
 * answers to publishers and the subscribers' answers to the broker's copies measure different programs (on a long
 * path or with a slow subscriber they differ by orders of magnitude). Pure.
 */

/** The request each response answers. */
const REQUEST_OF: Readonly<Record<string, string>> = {
  CONNACK: 'CONNECT', PUBACK: 'PUBLISH', PUBREC: 'PUBLISH', PUBREL: 'PUBREC', PUBCOMP: 'PUBREL',
  SUBACK: 'SUBSCRIBE', UNSUBACK: 'UNSUBSCRIBE', PINGRESP: 'PINGREQ',
};

/** Who answers in a publish exchange: the broker, a subscriber (acknowledging the broker's copy) or a publisher (PUBREL). */
export type Answerer = 'broker' | 'subscriber' | 'publisher';

/** The publish acknowledgements: their latency is named by who answers. */
const PUBLISH_ACKS: ReadonlySet<string> = new Set(['PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP']);

/**
 * Who answered with a publish acknowledgement sent from `direction`: the server is the broker; a client answers the
 * broker's copy as a subscriber (PUBACK, PUBREC, PUBCOMP) or the broker's PUBREC as the publisher (PUBREL).
 */
export function answerer(type: string, direction: 'client' | 'server'): Answerer | undefined {
  if (!PUBLISH_ACKS.has(type)) return undefined;
  if (direction === 'server') return 'broker';
  return type === 'PUBREL' ? 'publisher' : 'subscriber';
}

/** The kind without who answers: "REQUEST→RESPONSE" ("?→TYPE" when it answers nothing we know). */
export function pooledLatencyKind(type: string): string {
  return `${REQUEST_OF[type] ?? '?'}→${type}`;
}

/**
 * "REQUEST→RESPONSE" for the response packet type `type` sent from `direction`, with "(broker)", "(subscriber)" or
 * "(publisher)" after a publish acknowledgement.
 */
export function latencyKind(type: string, direction: 'client' | 'server'): string {
  const who = answerer(type, direction);
  return who === undefined ? pooledLatencyKind(type) : `${pooledLatencyKind(type)} (${who})`;
}

/** Every kind a publish acknowledgement can have, split by who answers (the order of the summary's table is the events'). */
export const SPLIT_LATENCY_KINDS: readonly string[] = [...PUBLISH_ACKS].flatMap((type) =>
  (['server', 'client'] as const).map((direction) => latencyKind(type, direction)));
