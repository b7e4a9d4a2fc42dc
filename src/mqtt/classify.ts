/**
 * Connection classification: whether a TCP connection carries MQTT, and how — by port (every connection to an MQTT
 * port), from the client's first bytes (a CONNECT, an HTTP upgrade to WebSocket with an MQTT subprotocol, a TLS
 * handshake on a TLS port or one the key log knows), and inside TLS from the first decrypted client bytes. Pure
 * decisions over a connection description and a byte prefix; it keeps no state and reads no packets.
 */
import type { KeyLog } from '../tls/keylog.js';
import { looksLikeTlsRecord } from '../tls/records.js';
import type { MqttConnectionInfo } from './connection.js';
import { looksLikeConnect, looksLikeMqttOverWebSocket, looksLikeTls } from './detect.js';

export type ConnectionProtocol = 'undecided' | 'mqtt' | 'mqtt-ws' | 'mqtt-tls' | 'other';

/** What decrypted TLS bytes carry. */
export type TlsInnerProtocol = 'undecided' | 'mqtt' | 'mqtt-ws' | 'other';

export interface ClassifyOptions {
  /** Ports on which every connection is MQTT. */
  mqttPorts: ReadonlySet<number>;
  /** Ports on which TLS is MQTT over TLS (any other port too when the key log has the session). */
  tlsPorts: ReadonlySet<number>;
  keyLog?: KeyLog;
}

/** 'mqtt' when the port alone says so (the server's port, or either port when the client was only guessed). */
export function protocolByPort(connection: MqttConnectionInfo, options: ClassifyOptions): ConnectionProtocol {
  const { mqttPorts } = options;
  return mqttPorts.has(connection.server.port) || (!connection.clientFromSyn && mqttPorts.has(connection.client.port))
    ? 'mqtt' : 'undecided';
}

/** True when a client's first bytes are too few to tell MQTT, an HTTP upgrade or TLS apart (bounded look-ahead). */
export function undecidable(data: Buffer): boolean {
  if (data.length < 2) return true;
  if (data.length < 4096 && data.toString('latin1', 0, 4) === 'GET ' && !data.includes('\r\n\r\n')) return true;
  return false;
}

/** The protocol of a connection from the first bytes seen in `direction`. */
export function protocolFromFirstBytes(connection: MqttConnectionInfo, direction: 'client' | 'server', data: Buffer,
  options: ClassifyOptions): Exclude<ConnectionProtocol, 'undecided'> {
  const { tlsPorts } = options;
  if (direction === 'client' && looksLikeConnect(data)) return 'mqtt';
  if (direction === 'client' && looksLikeMqttOverWebSocket(data)) return 'mqtt-ws';
  if ((looksLikeTls(data) && (tlsPorts.has(connection.server.port) || keyLogKnows(data, options.keyLog)))
    || (tlsPorts.has(connection.server.port) && (looksLikeTlsRecord(data) || !connection.clientFromSyn))) {
    // On a TLS port, a connection whose start was not captured may begin inside a record: the record layer resynchronises.
    return 'mqtt-tls';
  }
  return 'other';
}

/** What a TLS connection carries, from the client's first decrypted bytes. */
export function protocolInsideTls(connection: MqttConnectionInfo, data: Buffer, options: ClassifyOptions): Exclude<TlsInnerProtocol, 'undecided'> {
  if (looksLikeMqttOverWebSocket(data)) return 'mqtt-ws';
  return looksLikeConnect(data) || options.tlsPorts.has(connection.server.port) ? 'mqtt' : 'other';
}

/** True when `data` starts with a Client Hello whose client random has secrets in the key log. */
function keyLogKnows(data: Buffer, keyLog: KeyLog | undefined): boolean {
  return keyLog !== undefined && data.length >= 43 && data[5] === 1 && keyLog.has(data.subarray(11, 43));
}
