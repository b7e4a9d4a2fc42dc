/**
 * The words a rule may use beyond what the schema fixes: event types (in their exact case), finding codes (from the
 * catalogue), latency kinds. Checks a validated document's words and says what was probably meant. Pure.
 */
import { FINDING_CODES } from '../model/findings.js';
import { didYouMean } from './suggest.js';

export const MQTT_TYPES = ['CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK',
  'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'] as const;
export const TCP_TYPES = ['SYN', 'SYN-ACK', 'ACK', 'DATA', 'FIN', 'RST', 'SEGMENT'] as const;
export const ARP_TYPES = ['who-has', 'is-at', 'arp'] as const;
export const LIFECYCLE_TYPES = ['connection-opened', 'connection-ended', 'session-started', 'session-ended'] as const;
export const TLS_TYPES = ['Client Hello', 'Server Hello', 'New Session Ticket', 'Encrypted Extensions', 'Certificate',
  'Server Key Exchange', 'Certificate Request', 'Server Hello Done', 'Certificate Verify', 'Client Key Exchange', 'Finished',
  'Change Cipher Spec', 'Alert', 'Handshake', 'Application Data', 'Heartbeat'] as const;

/** Types whose case matters and is checked: a "publish" is a mistake, not another type. */
export const KNOWN_TYPES: readonly string[] = [...MQTT_TYPES, ...TCP_TYPES, ...ARP_TYPES, ...LIFECYCLE_TYPES, ...TLS_TYPES, 'finding'];

/**
 * Latency kinds as keyed in summary.mqtt.latency (a publish acknowledgement with who answered: "(broker)",
 * "(subscriber)", "(publisher)"), and the publish acknowledgements without it, which mean both sides.
 */
export const LATENCY_KINDS = ['CONNECT→CONNACK', 'PUBLISH→PUBACK', 'PUBLISH→PUBREC', 'PUBREC→PUBREL', 'PUBREL→PUBCOMP',
  'SUBSCRIBE→SUBACK', 'UNSUBSCRIBE→UNSUBACK', 'PINGREQ→PINGRESP',
  'PUBLISH→PUBACK (broker)', 'PUBLISH→PUBACK (subscriber)', 'PUBLISH→PUBREC (broker)', 'PUBLISH→PUBREC (subscriber)',
  'PUBREC→PUBREL (broker)', 'PUBREC→PUBREL (publisher)', 'PUBREL→PUBCOMP (broker)', 'PUBREL→PUBCOMP (subscriber)'] as const;

export function findingCodes(): string[] {
  return Object.keys(FINDING_CODES);
}

/** A problem with an event type, or undefined when it is fine. Types of other frames ("udp", "icmp"...) are free. */
export function checkType(type: string): string | undefined {
  if (KNOWN_TYPES.includes(type)) return undefined;
  const known = KNOWN_TYPES.find((k) => k.toLowerCase() === type.toLowerCase());
  if (known !== undefined) return `type "${type}" is in the wrong case; did you mean "${known}"?`;
  // Lower-case words are the types of other frames (udp, icmp, ipv4-fragment...); anything else is a typo.
  if (/^[a-z0-9-]+( \(malformed\))?$/.test(type)) return undefined;
  return `unknown type "${type}"${didYouMean(type, KNOWN_TYPES)}`;
}

/** A problem with a finding code (or "prefix.*"), or undefined when the catalogue has it. */
export function checkCode(code: string): string | undefined {
  const codes = findingCodes();
  if (code.endsWith('.*')) {
    const prefix = code.slice(0, -1);
    // A prefix may name codes another stage adds later (diag.*): accept known families.
    if (codes.some((c) => c.startsWith(prefix)) || prefix === 'diag.') return undefined;
    return `no finding code starts with "${prefix}"`;
  }
  if (codes.includes(code)) return undefined;
  return `unknown finding code "${code}"${didYouMean(code, codes)}`;
}

/** "CONNECT->CONNACK" and "CONNECT→CONNACK" are the same kind; "PUBLISH->PUBACK(broker)" is "PUBLISH→PUBACK (broker)". */
export function normaliseLatencyKind(kind: string): string {
  return kind.replace('->', '→').replace(/\s*\(\s*(\w+)\s*\)\s*$/, ' ($1)');
}
