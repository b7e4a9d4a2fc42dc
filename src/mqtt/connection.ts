/**
 * The narrow description of a TCP connection that MQTT dissection depends on: its stream index, its two endpoints,
 * whether the client is known from the SYN, how it ended, and the three things each direction delivers (Zeek's
 * analyzer contract: data, gap, end). The reassembler's connection and stream handler satisfy these structurally;
 * src/mqtt depends on nothing else of it. Types only.
 */
import type { ConnectionEndReason, Side } from '../model/events.js';

export interface MqttEndpoint {
  readonly ip: string;
  readonly port: number;
  /** "ip:port" ("[ip]:port" for IPv6), as events show it. */
  readonly label: string;
}

export interface MqttConnectionInfo {
  /** Wireshark's tcp.stream index. */
  readonly index: number;
  readonly client: MqttEndpoint;
  readonly server: MqttEndpoint;
  /** The client is the SYN's sender (otherwise it was guessed from the ports). */
  readonly clientFromSyn: boolean;
}

/** How and when a connection ended. */
export interface MqttConnectionEnd {
  reason: ConnectionEndReason;
  /** Who sent the first FIN, or the RST. */
  closedBy?: Side;
  frame: number;
  time: number;
}

/** One direction's ordered bytes. */
export interface ByteStreamHandler {
  /** In-order bytes, valid only during the call. */
  data(data: Buffer, frame: number, time: number): void;
  /** `length` bytes never seen (`snaplen`: seen but cut by the snapshot length), between `afterFrame` and `beforeFrame`. */
  gap(length: number, afterFrame: number | undefined, beforeFrame: number, time: number, cause: 'lost' | 'snaplen'): void;
  end(reason: ConnectionEndReason, frame: number, time: number): void;
}
