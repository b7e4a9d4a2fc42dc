/**
 * The broker's forwarding delay of a PUBLISH it sent: the one definition every consumer uses (summary statistics,
 * live view, check rules, report), so that they count the same copies. It does not trace copies (src/mqtt/fanout.ts).
 */
import type { MqttEvent } from './events.js';

/**
 * How long the broker took to forward this copy of a client's publish, in ms; undefined when the copy is not traced
 * to a publish, or when its delay measures something else than forwarding: a retained message sent on subscription
 * (the message's age), a Will (sent when its client's connection ended), or a message the broker held for the
 * client's session while the client was away (`queued`: how long it was offline).
 */
export function forwardingDelayMs(e: MqttEvent): number | undefined {
  if (e.forwardDelayMs === undefined || e.retain === true || e.willOf !== undefined || e.queued === true) return undefined;
  return e.forwardDelayMs;
}
