/**
 * An empty client id, said plainly: what the protocol lets the broker do with it (MQTT-3.1.3-6/7/8: assign one,
 * in MQTT 5 and in MQTT 3.1.1 with clean session 1; refuse it with clean session 0, and in MQTT 3.1 always), or,
 * once its CONNACK is known, what it did. The lifecycle and timeline lines use `emptyClientIdNote`; the report its
 * own words on `emptyClientIdRule`.
 */

export type EmptyClientIdRule = 'assigned' | 'persistent-refused' | 'v31-refused';

/** What the protocol lets a broker do with an empty client id, by the CONNECT's protocol level and clean session flag. */
export function emptyClientIdRule(protocolVersion: number | undefined, cleanSession: boolean | undefined): EmptyClientIdRule {
  if (protocolVersion === 3) return 'v31-refused';
  if (protocolVersion === 4 && cleanSession === false) return 'persistent-refused';
  return 'assigned';
}

/**
 * What an empty client id is, in words without the id: `empty: the broker assigned one` once the CONNACK accepted
 * it, `empty` once it refused an id the broker could have assigned, else the rule (`empty: the broker assigns one`,
 * `empty: not allowed with clean session 0`, `empty: MQTT 3.1 needs 1 to 23 characters`). The summary's sessions
 * table says it so; `clientWords` wraps it.
 */
export function emptyClientIdWords(protocolVersion: number | undefined, cleanSession: boolean | undefined, accepted?: boolean): string {
  if (accepted === true) return 'empty: the broker assigned one';
  const rule = emptyClientIdRule(protocolVersion, cleanSession);
  if (accepted === false && rule === 'assigned') return 'empty';
  return rule === 'assigned' ? 'empty: the broker assigns one'
    : rule === 'persistent-refused' ? 'empty: not allowed with clean session 0'
      : 'empty: MQTT 3.1 needs 1 to 23 characters';
}

/** `client "X"`, or for an empty id `client "" (empty: ...)`; `accepted` once the CONNACK said. */
export function clientWords(clientId: string, protocolVersion: number | undefined, cleanSession: boolean | undefined, accepted?: boolean): string {
  if (clientId !== '') return `client "${clientId}"`;
  return `client "" (${emptyClientIdWords(protocolVersion, cleanSession, accepted)})`;
}
