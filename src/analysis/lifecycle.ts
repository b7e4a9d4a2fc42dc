/**
 * TCP connection lifecycle events: a connection opened (its first segment) and ended (why, who closed it, how the
 * handshake went, bytes each way, what it carried), built from the connection table's facts. Words only; it decides
 * nothing about the end (the table does) and aggregates nothing (summary.ts does).
 */
import type { TcpConnectionEndedEvent, TcpConnectionOpenedEvent } from '../model/events.js';
import type { ConnectionEnd, TcpConnection } from '../reassembly/connections.js';

export function connectionOpened(c: TcpConnection): TcpConnectionOpenedEvent {
  const synSeen = c.state === 'syn-sent';
  const event: TcpConnectionOpenedEvent = {
    kind: 'lifecycle', frame: c.firstFrame, time: c.firstTime, layer: 'tcp', type: 'connection-opened',
    src: c.client.label, dst: c.server.label, stream: c.index, synSeen, clientFromSyn: c.clientFromSyn,
    summary: synSeen ? `TCP connection ${c.index} opened by SYN`
      : c.state === 'syn-received' ? `TCP connection ${c.index} picked up at its SYN-ACK`
        : c.evictedBefore !== undefined ? `TCP connection ${c.index} continues connection ${c.evictedBefore}, which the full connection table evicted (picked up again mid-stream)`
          : `TCP connection ${c.index} picked up mid-stream (no SYN captured)`,
  };
  if (c.evictedBefore !== undefined) event.evictedBefore = c.evictedBefore;
  return event;
}

const END_WORDS: Record<ConnectionEnd['reason'], string> = {
  'fin': 'closed (FIN)',
  'rst': 'reset (RST)',
  'capture-end': 'still open when the capture ended',
  'evicted': 'evicted from the connection table',
  'port-reused': 'replaced by a new connection on the same ports',
};

export function connectionEnded(
  c: TcpConnection, end: ConnectionEnd, protocol: TcpConnectionEndedEvent['protocol'],
): TcpConnectionEndedEvent {
  const event: TcpConnectionEndedEvent = {
    kind: 'lifecycle', frame: end.frame, time: end.time, layer: 'tcp', type: 'connection-ended',
    src: c.client.label, dst: c.server.label, summary: '', stream: c.index, reason: end.reason, state: end.state,
    handshake: end.handshake, synAttempts: c.synAttempts, firstFrame: c.firstFrame, lastFrame: c.lastFrame,
    bytesToServer: c.toServer.bytes, bytesToClient: c.toClient.bytes, protocol,
  };
  if (end.closedBy !== undefined) event.closedBy = end.closedBy;
  if (c.handshakeRttMs !== undefined) event.handshakeRttMs = c.handshakeRttMs;
  if (c.firstSynRttMs !== undefined && c.firstSynFrame !== undefined && c.firstSynTime !== undefined && c.synAckFrame !== undefined) {
    event.synResentEarly = { firstSynFrame: c.firstSynFrame, firstSynTime: c.firstSynTime, synAckFrame: c.synAckFrame, rttMs: c.firstSynRttMs };
  }
  const by = end.closedBy !== undefined && (end.reason === 'fin' || end.reason === 'rst') ? ` by the ${end.closedBy}` : '';
  const handshake = end.handshake === 'refused' ? ', SYN refused'
    : end.handshake === 'unanswered' ? `, ${c.synAttempts} SYN${c.synAttempts === 1 ? '' : 's'} unanswered`
      : end.handshake === 'incomplete' ? ', handshake never completed' : '';
  event.summary = `TCP connection ${c.index} ${END_WORDS[end.reason]}${by}${handshake}: `
    + `${event.bytesToServer} bytes to server, ${event.bytesToClient} to client`;
  return event;
}
