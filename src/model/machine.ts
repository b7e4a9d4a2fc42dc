/**
 * The machine an IP address names, for telling brokers (and their clients) apart: the fan-out tracer's broker and
 * the diagnosis' "same broker" both compare machines, not address strings. Every loopback address — 127.0.0.0/8,
 * IPv6's ::1 and its IPv4-mapped form ::ffff:127.x.x.x — is this one machine, so a client that resolved "localhost"
 * to ::1 and another that used 127.0.0.1 (or Debian's 127.0.1.1 for the host's own name) reach one broker, as they
 * do. Any other address is a machine of its own: a dual-stack host's IPv4 and IPv6 addresses cannot be linked from
 * the packets alone (not done here). Views keep showing the address as captured; this is a key, not a label.
 */

/** The key of the machine `ip` (dotted IPv4 or tshark's IPv6 text) names. */
export function machineOf(ip: string): string {
  if (ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.')) return 'loopback';
  return ip;
}
