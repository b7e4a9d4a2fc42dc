/**
 * The machine an IP address names, for telling brokers (and their clients) apart: the fan-out tracer's broker and
 * the diagnosis' "same broker" both compare machines, not address strings.
 * - Every loopback address — 127.0.0.0/8, IPv6's ::1 and its IPv4-mapped form ::ffff:127.x.x.x — is this one machine,
 *   so a client that resolved "localhost" to ::1 and another that used 127.0.0.1 (or Debian's 127.0.1.1 for the
 *   host's own name) reach one broker, as they do (machineOf).
 * - A dual-stack host's IPv6 addresses are its IPv4 address's machine when the link layer shows it
 *   (DualStackLinker): frames from both carry the same source MAC, that MAC sends from no other IPv4 address, and
 *   neither was routed (TTL / hop limit still at a sender's initial 64, 128 or 255, or an ARP message; or TTL / hop
 *   limit 1 from a link-local address, fe80::/10 or 169.254.0.0/16, or in an MLD or IGMP report, which no router
 *   forwards). A router's
 *   MAC sends for many addresses, and routed packets have lost a hop: neither links anything. What was learned is
 *   handed on as MachineLink messages; each reader keeps its own MachineBook.
 * Does not: guess from names, ports or timing, or link two IPv4 addresses. Views keep showing the address as
 * captured; a machine is a key, not a label.
 */

/** The key of the machine `ip` (dotted IPv4 or tshark's IPv6 text) names, by the address alone. */
export function machineOf(ip: string): string {
  if (ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.')) return 'loopback';
  return ip;
}

/** Learned from the link layer: IPv6 address `ip` is the machine of IPv4 address `machine` (both sent from `mac`). */
export interface MachineLink {
  frame: number;
  time: number;
  ip: string;
  machine: string;
  mac: string;
}

/** machineOf, and the links learned so far. */
export class MachineBook {
  private readonly links = new Map<string, string>();

  link(link: MachineLink): void {
    this.links.set(link.ip, link.machine);
  }

  /** The key of the machine `ip` names. */
  of(ip: string): string {
    if (this.links.size === 0) return machineOf(ip);
    return this.links.get(ip) ?? machineOf(ip);
  }
}

/** TTL / hop limit values senders start with: a packet that still has one was not routed. */
function unrouted(ttl: number | undefined): boolean {
  return ttl === undefined || ttl === 64 || ttl === 128 || ttl === 255;
}

/**
 * A packet with TTL / hop limit 1 that no router forwarded: from a link-local address (fe80::/10, 169.254.0.0/16:
 * never routed), or an MLD or IGMP report (sent with TTL 1 to the link: RFC 2710/3810, RFC 2236/3376). A dual-stack
 * host's first frames from its link-local address are often its MLD reports.
 */
function linkScoped(ip: string, ttl: number | undefined, report: boolean): boolean {
  return ttl === 1 && (report || /^fe[89ab]/i.test(ip) || ip.startsWith('169.254.'));
}

interface MacState {
  /** The one IPv4 address sent from this MAC, unrouted; undefined before it is seen or once the MAC is ambiguous. */
  ipv4: string | undefined;
  /** A second IPv4 address (routed or not) was sent from this MAC: a router or a multi-homed host; no more links. */
  ambiguous: boolean;
  /** IPv6 addresses sent unrouted from this MAC before its IPv4 address was seen (at most PENDING_PER_MAC). */
  pending: string[];
}

const PENDING_PER_MAC = 16;
const MAX_MACS = 10_000;

/**
 * The pipeline's side: reads each address's first source MAC (once per address) and says which IPv6 addresses it
 * links to an IPv4 address. Bounded: at most 10 000 MACs and 16 waiting IPv6 addresses per MAC.
 */
export class DualStackLinker {
  private readonly macs = new Map<string, MacState>();

  /**
   * The first frame sent from `ip` with source MAC `mac`; `ttl` is its TTL or hop limit (undefined for ARP),
   * `report` whether it is an MLD report (ICMPv6 131 or 143) or an IGMP message. Returns the links it makes (none in
   * most captures).
   * The unspecified address (::, a host's before it has one) names no machine.
   */
  learn(ip: string, mac: string, ttl: number | undefined, frame: number, time: number, report = false): MachineLink[] | undefined {
    if (machineOf(ip) === 'loopback' || ip === '::' || !unicastMac(mac)) return undefined;
    const v6 = ip.includes(':');
    let state = this.macs.get(mac);
    if (state === undefined) {
      if (this.macs.size >= MAX_MACS) return undefined;
      state = { ipv4: undefined, ambiguous: false, pending: [] };
      this.macs.set(mac, state);
    }
    if (state.ambiguous) return undefined;
    if (!v6) {
      if (state.ipv4 !== undefined || (!unrouted(ttl) && !linkScoped(ip, ttl, report))) {
        // A second IPv4 address, or a routed one: this MAC speaks for more than one machine.
        if (state.ipv4 !== ip) { state.ambiguous = true; state.ipv4 = undefined; state.pending = []; }
        return undefined;
      }
      state.ipv4 = ip;
      if (state.pending.length === 0) return undefined;
      const links = state.pending.map((p) => ({ frame, time, ip: p, machine: ip, mac }));
      state.pending = [];
      return links;
    }
    if (!unrouted(ttl) && !linkScoped(ip, ttl, report)) return undefined;
    if (state.ipv4 !== undefined) return [{ frame, time, ip, machine: state.ipv4, mac }];
    if (state.pending.length < PENDING_PER_MAC) state.pending.push(ip);
    return undefined;
  }
}

/** Not the zero MAC (Linux loopback's frames), nor a group address (I/G bit). */
function unicastMac(mac: string): boolean {
  return mac !== '00:00:00:00:00:00' && (parseInt(mac.slice(0, 2), 16) & 1) === 0;
}
