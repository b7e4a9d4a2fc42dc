/**
 * The tunnels of a capture (VXLAN today): the summary's `tunnels` list (each VXLAN network between two outer
 * addresses, either direction, with the frames it carried, at most MAX_TUNNELS listed) and the `tunnels` field of the
 * packet events of a tunnelled frame. Reads DecodedFrame.tunnels only; does not decode, nor judge a header (the
 * decoder marks a malformed one; the pipeline makes the finding).
 */
import type { Tunnel } from '../decode/types.js';
import { endpointLabel } from '../reassembly/connections.js';
import type { EventTunnel } from '../model/events.js';
import type { TunnelSummary } from '../model/summary.js';

/** Tunnels listed in the summary at most (more are not counted). */
export const MAX_TUNNELS = 256;

export class TunnelTable {
  private readonly byKey = new Map<string, TunnelSummary>();

  /** Counts one frame carried in `tunnels` (outermost first): once per tunnel it crossed. */
  add(tunnels: readonly Tunnel[]): void {
    for (const t of tunnels) {
      const a = t.ip.src;
      const b = t.ip.dst;
      const endpoints: [string, string] = a < b ? [a, b] : [b, a];
      const key = `${t.kind}|${t.vni}|${endpoints[0]}|${endpoints[1]}`;
      let entry = this.byKey.get(key);
      if (entry === undefined) {
        if (this.byKey.size >= MAX_TUNNELS) continue;
        entry = { kind: t.kind, vni: t.vni, endpoints, frames: 0 };
        this.byKey.set(key, entry);
      }
      entry.frames++;
      if (t.malformed !== undefined) entry.malformed = (entry.malformed ?? 0) + 1;
    }
  }

  /** The tunnels by frames carried (most first), undefined when no frame was tunnelled. */
  list(): TunnelSummary[] | undefined {
    if (this.byKey.size === 0) return undefined;
    return [...this.byKey.values()].map((t) => ({ ...t, endpoints: [...t.endpoints] as [string, string] })).sort((x, y) => y.frames - x.frames);
  }
}

/** The `tunnels` of a tunnelled frame's packet events. */
export function eventTunnels(tunnels: readonly Tunnel[]): EventTunnel[] {
  return tunnels.map((t) => {
    const e: EventTunnel = {
      kind: t.kind, src: endpointLabel(t.ip.src, t.udp.srcPort), dst: endpointLabel(t.ip.dst, t.udp.dstPort), vni: t.vni,
    };
    if (t.malformed !== undefined) e.malformed = true;
    return e;
  });
}
