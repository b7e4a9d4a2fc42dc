/**
 * Address formatting: MAC "aa:bb:cc:dd:ee:ff", dotted IPv4, and IPv6 in the exact text tshark prints for ipv6.src
 * (RFC 5952 compression; glibc/Wireshark style dotted tail for "::a.b.c.d" and "::ffff:a.b.c.d").
 * Each formatter has a small direct-mapped cache so the few addresses of a capture are formatted once and then shared;
 * the caches are bounded (a scan over millions of addresses only evicts). Not done here: parsing addresses.
 */

const HEX2: string[] = [];
const DEC: string[] = [];
for (let i = 0; i < 256; i++) {
  HEX2.push(i.toString(16).padStart(2, '0'));
  DEC.push(String(i));
}

const CACHE_BITS = 12;
const CACHE_SIZE = 1 << CACHE_BITS;
const CACHE_MASK = CACHE_SIZE - 1;

// MAC cache: key = high 16 bits + low 32 bits.
const macHi = new Int32Array(CACHE_SIZE);
const macLo = new Int32Array(CACHE_SIZE);
const macVal: (string | undefined)[] = new Array<string | undefined>(CACHE_SIZE).fill(undefined);

/** Formats the 6 bytes at d[o..o+6) as a lowercase colon-separated MAC. The caller guarantees the bytes exist. */
export function formatMac(d: Buffer, o: number): string {
  const hi = (d[o]! << 8) | d[o + 1]!;
  const lo = (d[o + 2]! << 24) | (d[o + 3]! << 16) | (d[o + 4]! << 8) | d[o + 5]!;
  const slot = (Math.imul(lo ^ (hi << 7), 0x9e3779b1) >>> (32 - CACHE_BITS)) & CACHE_MASK;
  const cached = macVal[slot];
  if (cached !== undefined && macLo[slot] === lo && macHi[slot] === hi) return cached;
  const s =
    HEX2[d[o]!]! + ':' + HEX2[d[o + 1]!]! + ':' + HEX2[d[o + 2]!]! + ':' +
    HEX2[d[o + 3]!]! + ':' + HEX2[d[o + 4]!]! + ':' + HEX2[d[o + 5]!]!;
  macHi[slot] = hi;
  macLo[slot] = lo;
  macVal[slot] = s;
  return s;
}

/** Formats n bytes as colon-separated lowercase hex (hardware addresses of unusual length). */
export function formatHexColon(d: Buffer, o: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += (i === 0 ? '' : ':') + HEX2[d[o + i]!]!;
  return s;
}

const v4Key = new Int32Array(CACHE_SIZE);
const v4Val: (string | undefined)[] = new Array<string | undefined>(CACHE_SIZE).fill(undefined);

/** Formats the 4 bytes at d[o..o+4) as dotted decimal. */
export function formatIPv4(d: Buffer, o: number): string {
  const key = (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!;
  const slot = Math.imul(key, 0x9e3779b1) >>> (32 - CACHE_BITS);
  const cached = v4Val[slot];
  if (cached !== undefined && v4Key[slot] === key) return cached;
  const s = DEC[d[o]!]! + '.' + DEC[d[o + 1]!]! + '.' + DEC[d[o + 2]!]! + '.' + DEC[d[o + 3]!]!;
  v4Key[slot] = key;
  v4Val[slot] = s;
  return s;
}

const v6Key = new Int32Array(CACHE_SIZE * 4);
const v6Val: (string | undefined)[] = new Array<string | undefined>(CACHE_SIZE).fill(undefined);
const groups = new Uint16Array(8);

/** Formats the 16 bytes at d[o..o+16) as tshark prints IPv6 addresses. */
export function formatIPv6(d: Buffer, o: number): string {
  const k0 = (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!;
  const k1 = (d[o + 4]! << 24) | (d[o + 5]! << 16) | (d[o + 6]! << 8) | d[o + 7]!;
  const k2 = (d[o + 8]! << 24) | (d[o + 9]! << 16) | (d[o + 10]! << 8) | d[o + 11]!;
  const k3 = (d[o + 12]! << 24) | (d[o + 13]! << 16) | (d[o + 14]! << 8) | d[o + 15]!;
  const slot = Math.imul(k0 ^ Math.imul(k1, 31) ^ Math.imul(k2, 961) ^ Math.imul(k3, 29791), 0x9e3779b1) >>> (32 - CACHE_BITS);
  const cached = v6Val[slot];
  const b = slot << 2;
  if (cached !== undefined && v6Key[b] === k0 && v6Key[b + 1] === k1 && v6Key[b + 2] === k2 && v6Key[b + 3] === k3) {
    return cached;
  }
  const s = ipv6Text(d, o);
  v6Key[b] = k0;
  v6Key[b + 1] = k1;
  v6Key[b + 2] = k2;
  v6Key[b + 3] = k3;
  v6Val[slot] = s;
  return s;
}

/**
 * inet_ntop(AF_INET6) as glibc and Wireshark do it: the longest run (>= 2) of zero groups becomes "::" (first run on a
 * tie); when that run starts at group 0 and is 6 groups long, or 5 groups followed by ffff, the last 32 bits are dotted.
 */
function ipv6Text(d: Buffer, o: number): string {
  for (let i = 0; i < 8; i++) groups[i] = (d[o + 2 * i]! << 8) | d[o + 2 * i + 1]!;
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (groups[i] === 0) {
      if (curBase === -1) {
        curBase = i;
        curLen = 1;
      } else curLen++;
    } else if (curBase !== -1) {
      if (curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase !== -1 && curLen > bestLen) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestLen < 2) bestBase = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) s += ':';
      continue;
    }
    if (i !== 0) s += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && groups[5] === 0xffff))) {
      s += DEC[d[o + 12]!]! + '.' + DEC[d[o + 13]!]! + '.' + DEC[d[o + 14]!]! + '.' + DEC[d[o + 15]!]!;
      return s;
    }
    s += groups[i]!.toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) s += ':';
  return s;
}
