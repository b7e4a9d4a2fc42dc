/**
 * Recognises what a TCP connection carries from its first client bytes: MQTT (a valid CONNECT), MQTT over
 * WebSocket (an HTTP Upgrade to websocket), or TLS (a handshake record). Pure functions over a byte prefix.
 */
import { readRemainingLength } from './reader/variable-integer.js';

/** True when `data` starts with an MQTT CONNECT (protocol name "MQTT" or "MQIsdp"), as far as the bytes go. */
export function looksLikeConnect(data: Buffer): boolean {
  if (data.length < 2 || data[0] !== 0x10) return false;
  const [remaining, n] = readRemainingLength(data, 1);
  if (remaining === -2) return false;
  if (remaining === -1) return true;
  if (remaining < 10) return false;
  const at = 1 + n;
  if (data.length < at + 2) return true;
  const nameLength = data.readUInt16BE(at);
  if (nameLength !== 4 && nameLength !== 6) return false;
  const name = data.toString('latin1', at + 2, Math.min(data.length, at + 2 + nameLength));
  return 'MQTT'.startsWith(name) || 'MQIsdp'.startsWith(name);
}

/** True when `data` starts an HTTP request upgrading to WebSocket with an MQTT subprotocol (mqtt, mqttv3.1...). */
export function looksLikeMqttOverWebSocket(data: Buffer): boolean {
  if (data.length < 4 || data.toString('latin1', 0, 4) !== 'GET ') return false;
  const head = data.toString('latin1', 0, Math.min(data.length, 4096)).toLowerCase();
  return (head.includes('upgrade: websocket') || head.includes('upgrade:websocket')) && /sec-websocket-protocol:\s*mqtt/.test(head);
}

/** True when `data` starts with a TLS handshake record. */
export function looksLikeTls(data: Buffer): boolean {
  return data.length >= 3 && data[0] === 0x16 && data[1] === 0x03 && data[2]! <= 0x04;
}
