/**
 * Decodes one complete MQTT control packet with mqtt-packet, for a given protocol version, and classifies failures
 * into stable finding codes. One parser per direction, fed exactly one framed packet at a time, so an error never
 * spills into the next packet. It does not frame, pair or track sessions.
 */
import { isUtf8 } from 'node:buffer';
import mqttPacket from 'mqtt-packet';
import type { Packet } from 'mqtt-packet';

export interface DecodeResult {
  packet?: Packet;
  /** Stable code (mqtt.invalid-qos, mqtt.reserved-flags, mqtt.unknown-type, mqtt.bad-protocol, mqtt.bad-property,
   * mqtt.bad-utf8, mqtt.malformed) and mqtt-packet's message. */
  error?: { code: string; message: string };
}

function classify(message: string): string {
  if (message.includes('QoS bits')) return 'mqtt.invalid-qos';
  if (message.includes('Invalid header flag bits') || message.includes('flag bit')) return 'mqtt.reserved-flags';
  if (message === 'Not supported' || message.includes('Not supported auth')) return 'mqtt.unknown-type';
  if (message.includes('protocolId') || message.includes('protocol version')) return 'mqtt.bad-protocol';
  if (message.includes('propert')) return 'mqtt.bad-property';
  if (message.includes('QoS') || message.includes('qos')) return 'mqtt.invalid-qos';
  return 'mqtt.malformed';
}

export class MqttPacketDecoder {
  private readonly parser = mqttPacket.parser({});
  private result: Packet | undefined;
  private failure: Error | undefined;
  private dirty = false;

  constructor() {
    this.parser.on('packet', (packet: Packet) => {
      this.result ??= packet;
    });
    this.parser.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  /** Decodes `bytes`, one whole control packet. `version` is 3, 4 or 5 (CONNECT carries its own). */
  decode(bytes: Buffer, version: number, headerLength: number): DecodeResult {
    this.result = undefined;
    this.failure = undefined;
    const parser = this.parser as unknown as { settings: { protocolVersion: number }; _resetState(): void; _pos: number; parse(b: Buffer): number };
    // After a packet that failed or did not complete, mqtt-packet keeps its half-read state (and _resetState makes a
    // new BufferList stream, which is costly): reset only then. Its read position always starts at 0 for a new packet.
    if (this.dirty) parser._resetState();
    parser._pos = 0;
    parser.settings = { protocolVersion: version };
    try {
      parser.parse(bytes);
    } catch (error) {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
    }
    this.dirty = this.failure !== undefined || this.result === undefined;
    if (this.failure !== undefined) {
      const message = this.failure.message;
      return { error: { code: classify(message), message } };
    }
    // Handed over, not kept: the packet's payload is a view into the read chunk, which an idle connection would
    // otherwise hold (256 KiB) until its next packet.
    const packet = this.result;
    this.result = undefined;
    if (packet === undefined) return { error: { code: 'mqtt.malformed', message: 'packet shorter than its header says' } };
    const type = bytes[0]! >> 4;
    if (type === 3 && !topicIsUtf8(bytes, headerLength)) {
      return { packet, error: { code: 'mqtt.bad-utf8', message: 'topic name is not valid UTF-8' } };
    }
    return { packet };
  }
}

function topicIsUtf8(bytes: Buffer, headerLength: number): boolean {
  if (bytes.length < headerLength + 2) return true;
  const length = bytes.readUInt16BE(headerLength);
  const topic = bytes.subarray(headerLength + 2, headerLength + 2 + length);
  return isUtf8(topic) && !topic.includes(0);
}
