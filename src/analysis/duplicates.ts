/**
 * Recognises the same packet seen twice on two interfaces of an `-i any` capture (Linux cooked SLL/SLL2): same IP and
 * TCP header facts within 50 ms on another interface or direction. Remembers the last 16 packets only.
 */
import type { DecodedFrame, TcpSegment } from '../decode/types.js';

export class CrossInterfaceDuplicates {
  private readonly recent: Array<{ key: string; frame: number; time: number; iface: string }> = [];

  check(decoded: DecodedFrame, tcp: TcpSegment, time: number): number | undefined {
    const link = decoded.link;
    if (link === undefined || (link.kind !== 'sll' && link.kind !== 'sll2')) return undefined;
    const ip = decoded.ip!;
    const key = `${ip.src}|${ip.dst}|${ip.id ?? ''}|${tcp.srcPort}|${tcp.dstPort}|${tcp.seq}|${tcp.ack}|${tcp.flags}|${tcp.payloadLength}|${tcp.window}|${tcp.options.tsval ?? ''}`;
    const iface = `${decoded.interfaceId}/${link.ifIndex ?? ''}/${link.packetType ?? ''}`;
    let original: number | undefined;
    for (const r of this.recent) {
      if (r.key === key && r.iface !== iface && time - r.time < 0.05) { original = r.frame; break; }
    }
    if (original === undefined) {
      this.recent.push({ key, frame: decoded.frame, time, iface });
      if (this.recent.length > 16) this.recent.shift();
    }
    return original;
  }
}
