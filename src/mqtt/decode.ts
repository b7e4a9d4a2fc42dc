/**
 * mqtt-packet, through its public API only, for the rich fields of the full event (CONNECT's Will and credentials,
 * subscriptions, MQTT 5 property values...). It is asked only about packets src/mqtt/reader accepted, one whole
 * packet at a time; the reader decides validity and finding codes, so mqtt-packet's verdict is never classified.
 * One parser per protocol version, made anew after any packet it did not return whole (its state is then unknown)
 * and after a CONNECT (which changes its settings). It does not frame, pair or track sessions.
 */
import mqttPacket from 'mqtt-packet';
import type { Packet, Parser } from 'mqtt-packet';

interface CachedParser {
  parser: Parser;
  result: Packet | undefined;
  failure: Error | undefined;
}

export class MqttPacketDecoder {
  private readonly parsers = new Map<number, CachedParser>();

  /** mqtt-packet's object for `bytes` (one whole control packet), or its error message. `version`: 3, 4 or 5. */
  decode(bytes: Buffer, version: number): { packet: Packet } | { error: string } {
    let cached = this.parsers.get(version);
    if (cached === undefined) {
      const entry: CachedParser = { parser: mqttPacket.parser({ protocolVersion: version }), result: undefined, failure: undefined };
      entry.parser.on('packet', (packet: Packet) => { entry.result ??= packet; });
      entry.parser.on('error', (error: Error) => { entry.failure ??= error; });
      cached = entry;
      this.parsers.set(version, cached);
    }
    cached.result = undefined;
    cached.failure = undefined;
    let left = -1;
    try {
      left = cached.parser.parse(bytes);
    } catch (error) {
      cached.failure ??= error instanceof Error ? error : new Error(String(error));
    }
    const { result, failure } = outcome(cached);
    // Handed over, not kept: the packet's payload is a view into the read chunk, which an idle connection would
    // otherwise hold (256 KiB) until its next packet.
    cached.result = undefined;
    cached.failure = undefined;
    if (failure !== undefined || result === undefined || left !== 0 || result.cmd === 'connect') this.parsers.delete(version);
    if (failure !== undefined) return { error: failure.message };
    if (result === undefined) return { error: 'packet shorter than its header says' };
    return { packet: result };
  }
}

/** What the listeners left in `entry` (a call, so that the compiler does not assume the values set before parsing). */
function outcome(entry: CachedParser): { result: Packet | undefined; failure: Error | undefined } {
  return { result: entry.result, failure: entry.failure };
}
