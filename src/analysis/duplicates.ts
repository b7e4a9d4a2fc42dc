/**
 * Recognises the same packet seen twice on two interfaces: in an `-i any` capture (Linux cooked SLL/SLL2), or in a
 * pcapng capture of several interfaces (dumpcap -i a -i b): same IP and TCP header facts within 50 ms on another
 * interface or direction. Remembers the last 16 packets only.
 */
import type { DecodedFrame, TcpSegment } from '../decode/types.js';

/** How many recent packets are remembered. */
const RECENT = 16;

export class CrossInterfaceDuplicates {
  private readonly recent: Array<{ key: string; frame: number; time: number; iface: string }> = [];
  /**
   * Other links (Ethernet...): the last packets' facts in fixed slots (written without allocating, as most captures
   * have one interface), compared only once a second interface id has appeared.
   */
  private readonly other = new OtherLinkRecent();

  check(decoded: DecodedFrame, tcp: TcpSegment, time: number): number | undefined {
    const link = decoded.link;
    if (link === undefined) return undefined;
    if (link.kind !== 'sll' && link.kind !== 'sll2') return this.other.check(decoded, tcp, time);
    const ip = decoded.ip!;
    const key = `${ip.src}|${ip.dst}|${ip.id ?? ''}|${tcp.srcPort}|${tcp.dstPort}|${tcp.seq}|${tcp.ack}|${tcp.flags}|${tcp.payloadLength}|${tcp.window}|${tcp.options.tsval ?? ''}`;
    const iface = `${decoded.interfaceId}/${link.ifIndex ?? ''}/${link.packetType ?? ''}`;
    let original: number | undefined;
    for (const r of this.recent) {
      if (r.key === key && r.iface !== iface && time - r.time < 0.05) { original = r.frame; break; }
    }
    if (original === undefined) {
      this.recent.push({ key, frame: decoded.frame, time, iface });
      if (this.recent.length > RECENT) this.recent.shift();
    }
    return original;
  }
}

class OtherLinkRecent {
  private readonly src: string[] = new Array<string>(RECENT).fill('');
  private readonly dst: string[] = new Array<string>(RECENT).fill('');
  /** ip id, ports, seq, ack, flags, payload length, window, TSval, interface id, frame, time: one row per slot. */
  private readonly facts = new Float64Array(RECENT * 13);
  private next = 0;
  private filled = 0;
  private firstInterface = -1;
  private severalInterfaces = false;

  check(decoded: DecodedFrame, tcp: TcpSegment, time: number): number | undefined {
    const ip = decoded.ip!;
    const iface = decoded.interfaceId;
    if (this.firstInterface < 0) this.firstInterface = iface;
    else if (iface !== this.firstInterface) this.severalInterfaces = true;
    const ipId = ip.id ?? -1;
    const tsval = tcp.options.tsval ?? -1;
    const f = this.facts;
    if (this.severalInterfaces) {
      for (let i = 0; i < this.filled; i++) {
        const o = i * 13;
        if (f[o + 3] === tcp.seq && f[o + 4] === tcp.ack && f[o + 8] !== iface && time - f[o + 10]! < 0.05
          && f[o] === ipId && f[o + 1] === tcp.srcPort && f[o + 2] === tcp.dstPort && f[o + 5] === tcp.flags
          && f[o + 6] === tcp.payloadLength && f[o + 7] === tcp.window && f[o + 12] === tsval
          && this.src[i] === ip.src && this.dst[i] === ip.dst) return f[o + 9]!;
      }
    }
    const slot = this.next;
    const o = slot * 13;
    f[o] = ipId; f[o + 1] = tcp.srcPort; f[o + 2] = tcp.dstPort; f[o + 3] = tcp.seq; f[o + 4] = tcp.ack;
    f[o + 5] = tcp.flags; f[o + 6] = tcp.payloadLength; f[o + 7] = tcp.window; f[o + 8] = iface;
    f[o + 9] = decoded.frame; f[o + 10] = time; f[o + 12] = tsval;
    this.src[slot] = ip.src;
    this.dst[slot] = ip.dst;
    this.next = (slot + 1) % RECENT;
    if (this.filled < RECENT) this.filled++;
    return undefined;
  }
}
