/**
 * What the MQTT reader returns: the fields both analysis paths need, and the one verdict on validity (a finding code
 * and the words for it). Types only.
 */
import type { FindingCode } from '../../model/findings.js';

/** The finding codes the reader decides (a packet that breaks the grammar of its type). */
export type ReaderErrorCode = Extract<FindingCode,
  'mqtt.invalid-qos' | 'mqtt.reserved-flags' | 'mqtt.unknown-type' | 'mqtt.bad-protocol' | 'mqtt.bad-property'
  | 'mqtt.bad-utf8' | 'mqtt.malformed'>;

export interface ReaderError {
  code: ReaderErrorCode;
  message: string;
}

/** A CONNECT's head, as far as it could be read (also when its level is refused). */
export interface ConnectHead {
  protocolName?: string;
  /** Protocol level with the bridge bit removed. */
  level?: number;
  /** The level byte had the bridge bit (0x80) set. */
  bridge?: true;
  keepAlive?: number;
  cleanSession?: boolean;
  clientId?: string;
}

/** The fields read from one control packet; each only when the packet has it and it could be read. */
export interface PacketFields {
  topic?: string;
  qos?: number;
  dup?: boolean;
  retain?: boolean;
  packetId?: number;
  topicAlias?: number;
  /** MQTT 5 Message Expiry Interval of a PUBLISH, seconds. */
  messageExpiry?: number;
  /** MQTT 5 Response Topic and Correlation Data (hex) of a PUBLISH: request/response. */
  responseTopic?: string;
  correlationData?: string;
  /** MQTT 5 reason code of a publish acknowledgement that carries one. */
  reasonCode?: number;
  /** PUBLISH payload (a view of the packet's bytes). */
  payload?: Buffer;
  connect?: ConnectHead;
}

export interface PacketReading {
  fields: PacketFields;
  /** Set when the packet breaks its type's grammar; `fields` then holds what could be read before. */
  error?: ReaderError | undefined;
  /**
   * MQTT 5 property ids present that the packet type may not carry (MQTT 5.0 table 2-4). Most readings share the
   * frozen NO_PROPERTY_IDS: replace, never push.
   */
  notAllowed: number[];
  /** MQTT 5 User Properties in wire order, duplicates kept (only when asked for). */
  userProperties?: Array<[string, string]> | undefined;
  /** One-byte property values other than 0 and 1 (PropertySection.byteValues): of the packet's own properties, and of a CONNECT's Will properties. */
  byteValues?: number[] | undefined;
  willByteValues?: number[] | undefined;
}

/** The `notAllowed` of a reading without such properties: one frozen empty list (no array per packet). */
export const NO_PROPERTY_IDS: number[] = Object.freeze<number[]>([]) as number[];
