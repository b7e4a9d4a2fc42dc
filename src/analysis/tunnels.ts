/**
 * The tunnels of a capture (VXLAN, VXLAN-GPE, Geneve, GRE, ERSPAN, IP in IP, MPLS in UDP): the summary's `tunnels`
 * list (each tunnel between two outer addresses, either direction, told apart by its VNI, GRE key, PPTP call id or
 * ERSPAN session, with the
 * frames it carried, at most MAX_TUNNELS listed) and the `tunnels` field of the packet events of a tunnelled frame.
 * Reads DecodedFrame.tunnels only; does not decode, nor judge a header (the decoder marks a malformed one; the
 * pipeline makes the finding).
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
      const key = `${t.kind}|${idOf(t)}|${endpoints[0]}|${endpoints[1]}`;
      let entry = this.byKey.get(key);
      if (entry === undefined) {
        if (this.byKey.size >= MAX_TUNNELS) continue;
        entry = summaryOf(t, endpoints);
        this.byKey.set(key, entry);
      }
      entry.frames++;
      if (t.kind === 'vxlan' && t.malformed !== undefined && entry.kind === 'vxlan') entry.malformed = (entry.malformed ?? 0) + 1;
    }
  }

  /** The tunnels by frames carried (most first), undefined when no frame was tunnelled. */
  list(): TunnelSummary[] | undefined {
    if (this.byKey.size === 0) return undefined;
    return [...this.byKey.values()].map((t) => ({ ...t, endpoints: [...t.endpoints] as [string, string] })).sort((x, y) => y.frames - x.frames);
  }
}

/** What tells two tunnels between the same addresses apart: the VNI, the GRE key, the ERSPAN type and session. */
function idOf(t: Tunnel): string {
  switch (t.kind) {
    case 'vxlan': case 'vxlan-gpe': case 'geneve': return String(t.vni);
    case 'gre': return t.callId !== undefined ? `call ${t.callId}` : String(t.key ?? '');
    case 'erspan': return `${t.type}/${t.session ?? ''}`;
    case 'ip-in-ip': case 'mpls-in-udp': return '';
  }
}

/** A summary entry for tunnel `t` with no frame counted yet (the keys in the order they are written). */
function summaryOf(t: Tunnel, endpoints: [string, string]): TunnelSummary {
  switch (t.kind) {
    case 'vxlan': case 'vxlan-gpe': case 'geneve': return { kind: t.kind, vni: t.vni, endpoints, frames: 0 };
    case 'gre': return t.callId !== undefined ? { kind: 'gre', callId: t.callId, endpoints, frames: 0 }
      : t.key === undefined ? { kind: 'gre', endpoints, frames: 0 } : { kind: 'gre', key: t.key, endpoints, frames: 0 };
    case 'erspan': return t.session === undefined
      ? { kind: 'erspan', type: t.type, endpoints, frames: 0 } : { kind: 'erspan', type: t.type, session: t.session, endpoints, frames: 0 };
    case 'ip-in-ip': return { kind: 'ip-in-ip', endpoints, frames: 0 };
    case 'mpls-in-udp': return { kind: 'mpls-in-udp', endpoints, frames: 0 };
  }
}

/** The `tunnels` of a tunnelled frame's packet events. */
export function eventTunnels(tunnels: readonly Tunnel[]): EventTunnel[] {
  return tunnels.map((t): EventTunnel => {
    switch (t.kind) {
      case 'vxlan': case 'vxlan-gpe': case 'geneve': {
        const e: EventTunnel = { kind: t.kind, src: endpointLabel(t.ip.src, t.udp.srcPort), dst: endpointLabel(t.ip.dst, t.udp.dstPort), vni: t.vni };
        if (t.kind === 'vxlan' && t.malformed !== undefined) e.malformed = true;
        return e;
      }
      case 'gre': {
        const e: EventTunnel = t.udp === undefined ? { kind: 'gre', src: t.ip.src, dst: t.ip.dst }
          : { kind: 'gre', src: endpointLabel(t.ip.src, t.udp.srcPort), dst: endpointLabel(t.ip.dst, t.udp.dstPort) };
        if (t.key !== undefined) e.key = t.key;
        if (t.callId !== undefined) e.callId = t.callId;
        if (t.mplsLabels !== undefined) e.labels = t.mplsLabels;
        return e;
      }
      case 'erspan': return t.session === undefined
        ? { kind: 'erspan', src: t.ip.src, dst: t.ip.dst, type: t.type }
        : { kind: 'erspan', src: t.ip.src, dst: t.ip.dst, type: t.type, session: t.session };
      case 'ip-in-ip': return { kind: 'ip-in-ip', src: t.ip.src, dst: t.ip.dst };
      case 'mpls-in-udp': return {
        kind: 'mpls-in-udp', src: endpointLabel(t.ip.src, t.udp.srcPort), dst: endpointLabel(t.ip.dst, t.udp.dstPort), labels: t.labels,
      };
    }
  });
}
