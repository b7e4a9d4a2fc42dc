/**
 * DNS over UDP (either port 53): the header (transaction id, response flag, opcode, rcode, the four counts), the
 * first question's name and type, and the resource records' types and the data tshark's Info column shows (A, AAAA,
 * CNAME, NS, PTR, MX, SOA, NSEC), so that `dnsInfo` words the frame as tshark's packet list does ("Standard query 0x1a2b A
 * mqtt-brokr", "Standard query response 0x1a2b No such name A mqtt-brokr"). Bounded: names of at most 128 labels and
 * 255 characters, 16 compression jumps per name, 32 records read; never throws (a message cut short is `malformed`,
 * with what was read). Not done: DNS over TCP, EDNS options, DNSSEC data, the record data of other types (named by
 * type only), mDNS/LLMNR (ports 5353/5355).
 */
import { formatIPv4, formatIPv6 } from './addr.js';
import type { DecodedFrame, DnsMessage, DnsRecord } from './types.js';
import { u16 } from './util.js';

export const DNS_PORT = 53;
const HEADER_LENGTH = 12;
const MAX_LABELS = 128;
const MAX_NAME_CHARS = 255;
const MAX_JUMPS = 16;
const MAX_RECORDS = 32;

/** Decodes the DNS message at d[off..end) into `out.dns` (other = "dns"); a payload shorter than the header stays UDP. */
export function decodeDns(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  if (end > d.length) end = d.length;
  if (end - off < HEADER_LENGTH) return;
  const flags = u16(d, off + 2);
  const message: DnsMessage = {
    id: u16(d, off), response: (flags & 0x8000) !== 0, opcode: (flags >> 11) & 0xf, rcode: flags & 0xf,
    questions: u16(d, off + 4), answers: u16(d, off + 6), authority: u16(d, off + 8), additional: u16(d, off + 10),
    name: undefined, qtype: undefined, records: [], malformed: false,
  };
  out.dns = message;
  out.other = 'dns';
  let p = off + HEADER_LENGTH;
  for (let q = 0; q < message.questions; q++) {
    const name = readName(d, p, off, end);
    if (name === undefined || name.next + 4 > end) { message.malformed = true; return; }
    if (q === 0) { message.name = name.text; message.qtype = u16(d, name.next); }
    p = name.next + 4;
    if (q >= MAX_RECORDS) return;
  }
  const total = message.answers + message.authority + message.additional;
  for (let r = 0; r < total && r < MAX_RECORDS; r++) {
    const name = readName(d, p, off, end);
    if (name === undefined || name.next + 10 > end) { message.malformed = true; return; }
    const type = u16(d, name.next);
    const length = u16(d, name.next + 8);
    const data = name.next + 10;
    if (data + length > end) { message.malformed = true; return; }
    const record: DnsRecord = { section: r < message.answers ? 'answer' : r < message.answers + message.authority ? 'authority' : 'additional', type, data: recordData(d, type, data, length, off, end) };
    message.records.push(record);
    p = data + length;
  }
}

/** What tshark shows of a record's data: the address, the name, the preference and name; undefined for other types. */
function recordData(d: Buffer, type: number, at: number, length: number, msg: number, end: number): string | undefined {
  switch (type) {
    case 1: return length === 4 ? formatIPv4(d, at) : undefined;
    case 28: return length === 16 ? formatIPv6(d, at) : undefined;
    case 2: case 5: case 12: case 6: case 47: return readName(d, at, msg, end)?.text;
    case 15: {
      if (length < 3) return undefined;
      const name = readName(d, at + 2, msg, end);
      return name === undefined ? undefined : `${u16(d, at)} ${name.text}`;
    }
    default: return undefined;
  }
}

/**
 * A domain name at d[p..end) (message at d[msg..]): its text (tshark's "<Root>" for the root) and where the bytes
 * after it begin; undefined when it runs past `end`, loops, or exceeds the bounds.
 */
export function readName(d: Buffer, p: number, msg: number, end: number): { text: string; next: number } | undefined {
  let text = '';
  let next = -1;
  let labels = 0;
  let jumps = 0;
  for (;;) {
    if (p >= end) return undefined;
    const len = d[p]!;
    if (len === 0) {
      if (next < 0) next = p + 1;
      return { text: labels === 0 ? '<Root>' : text, next };
    }
    if ((len & 0xc0) === 0xc0) {
      if (p + 1 >= end || ++jumps > MAX_JUMPS) return undefined;
      if (next < 0) next = p + 2;
      p = msg + (((len & 0x3f) << 8) | d[p + 1]!);
      continue;
    }
    if ((len & 0xc0) !== 0 || p + 1 + len > end || ++labels > MAX_LABELS) return undefined;
    if (labels > 1) text += '.';
    for (let i = p + 1; i <= p + len; i++) {
      const c = d[i]!;
      text += c > 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\${c.toString(8).padStart(3, '0')}`;
    }
    if (text.length > MAX_NAME_CHARS * 4) return undefined;
    p += 1 + len;
  }
}

/** Wireshark's names of the DNS opcodes (its Info column's first words). */
const OPCODES: readonly string[] = ['Standard query', 'Inverse query', 'Server status request', 'Unknown operation (3)', 'Zone change notification', 'Dynamic update'];

/** Wireshark's names of the response codes (dns.flags.rcode). */
export const DNS_RCODES: readonly string[] = ['No error', 'Format error', 'Server failure', 'No such name', 'Not implemented', 'Refused',
  'Name exists', 'RRset exists', 'RRset does not exist', 'Not authoritative', 'Name out of zone'];

/** Wireshark's names of the record types it shows (others: "Unknown (N)"). */
const TYPES = new Map<number, string>([
  [1, 'A'], [2, 'NS'], [5, 'CNAME'], [6, 'SOA'], [12, 'PTR'], [13, 'HINFO'], [15, 'MX'], [16, 'TXT'], [28, 'AAAA'], [33, 'SRV'],
  [35, 'NAPTR'], [39, 'DNAME'], [41, 'OPT'], [43, 'DS'], [46, 'RRSIG'], [47, 'NSEC'], [48, 'DNSKEY'], [50, 'NSEC3'],
  [51, 'NSEC3PARAM'], [52, 'TLSA'], [64, 'SVCB'], [65, 'HTTPS'], [99, 'SPF'], [250, 'TSIG'], [251, 'IXFR'], [252, 'AXFR'],
  [255, 'ANY'], [256, 'URI'], [257, 'CAA'],
]);

/** "A", "AAAA", ... as Wireshark names a record type. */
export function dnsTypeName(type: number): string {
  return TYPES.get(type) ?? `Unknown (${type})`;
}

/** "No such name", "Server failure", ... as Wireshark names a response code. */
export function dnsRcodeName(rcode: number): string {
  return DNS_RCODES[rcode] ?? `Unknown (${rcode})`;
}

/** tshark's Info column for a DNS message: opcode, "response", id, the error, the first question, the records. */
export function dnsInfo(m: DnsMessage): string {
  let s = `${OPCODES[m.opcode] ?? `Unknown operation (${m.opcode})`}${m.response ? ' response' : ''} 0x${m.id.toString(16).padStart(4, '0')}`;
  if (m.response && m.rcode !== 0) s += ` ${dnsRcodeName(m.rcode)}`;
  if (m.name !== undefined && m.qtype !== undefined) s += ` ${dnsTypeName(m.qtype)} ${m.name}`;
  for (const r of m.records) s += r.data !== undefined ? ` ${dnsTypeName(r.type)} ${r.data}` : ` ${dnsTypeName(r.type)}`;
  if (m.malformed) s += ' [Malformed Packet]';
  return s;
}
