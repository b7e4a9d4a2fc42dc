/**
 * Traffic keys from logged secrets, with node:crypto only: the TLS 1.2 PRF (RFC 5246 §5), or the MD5+SHA-1 PRF of
 * TLS 1.0 and 1.1 (RFC 2246 §5), expanding a master secret into both sides' keys (AEAD: key and implicit IV; CBC: MAC
 * key, cipher key and, in TLS 1.0 only, the first IV), and TLS 1.3's HKDF-Expand-Label (RFC 8446 §7.1) deriving a traffic
 * secret's key and IV, and the next secret after a KeyUpdate. It does not decrypt (see decrypt.ts).
 */
import type { DecryptableSuite } from './cipher-suites.js';

/** node:crypto, loaded when first needed rather than by every run that imports the TLS layer (start-up). */
let cryptoModule: typeof import('node:crypto') | undefined;
const nodeCrypto = (): typeof import('node:crypto') => (cryptoModule ??= process.getBuiltinModule('node:crypto'));

export interface TrafficKeys {
  key: Buffer;
  /**
   * 12 bytes (TLS 1.3, ChaCha20), the 4-byte GCM/CCM salt of TLS 1.2, TLS 1.0 CBC's first IV (later ones chain), or
   * empty (TLS 1.1 and 1.2 CBC: each record carries its IV).
   */
  iv: Buffer;
  /** The HMAC key of a CBC suite; empty for AEAD suites. */
  macKey: Buffer;
}

function hmac(hash: string, key: Buffer, ...data: Buffer[]): Buffer {
  const h = nodeCrypto().createHmac(hash, key);
  for (const d of data) h.update(d);
  return h.digest();
}

/** TLS 1.2 PRF: P_hash(secret, label + seed) cut to `length` bytes. */
export function prf12(hash: string, secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  return pHash(hash, secret, Buffer.concat([Buffer.from(label, 'latin1'), seed]), length);
}

/** TLS 1.0 and 1.1 PRF: P_MD5 of the secret's first half XOR P_SHA-1 of its second half (halves overlap when odd). */
export function prf10(secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const half = Math.ceil(secret.length / 2);
  const md5 = pHash('md5', secret.subarray(0, half), labelSeed, length);
  const sha1 = pHash('sha1', secret.subarray(secret.length - half), labelSeed, length);
  for (let i = 0; i < length; i++) md5[i]! ^= sha1[i]!;
  return md5;
}

function pHash(hash: string, secret: Buffer, labelSeed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let produced = 0;
  let a: Buffer = labelSeed;
  while (produced < length) {
    a = hmac(hash, secret, a);
    const block = hmac(hash, secret, a, labelSeed);
    out.push(block);
    produced += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * Client and server write keys of a TLS 1.0 to 1.2 session (`version`: the negotiated one, 0x0301 to 0x0303) from
 * its master secret: the key block is MAC keys (CBC), cipher keys, then IVs (AEAD salts, TLS 1.0 CBC IVs).
 */
export function tls12Keys(suite: DecryptableSuite, version: number, masterSecret: Buffer, clientRandom: Buffer, serverRandom: Buffer):
  { client: TrafficKeys; server: TrafficKeys } {
  const macLength = suite.kind === 'cbc' ? suite.macLength : 0;
  const ivLength = suite.kind === 'cbc' ? (version <= 0x0301 ? suite.blockSize : 0) : suite.explicitNonce ? 4 : 12;
  const seed = Buffer.concat([serverRandom, clientRandom]);
  const length = 2 * macLength + 2 * suite.keyLength + 2 * ivLength;
  const block = version >= 0x0303 ? prf12(suite.hash, masterSecret, 'key expansion', seed, length)
    : prf10(masterSecret, 'key expansion', seed, length);
  let at = 0;
  const take = (n: number): Buffer => { const b = block.subarray(at, at + n); at += n; return b; };
  const clientMac = take(macLength);
  const serverMac = take(macLength);
  const clientKey = take(suite.keyLength);
  const serverKey = take(suite.keyLength);
  const clientIv = take(ivLength);
  const serverIv = take(ivLength);
  return { client: { key: clientKey, iv: clientIv, macKey: clientMac }, server: { key: serverKey, iv: serverIv, macKey: serverMac } };
}

/** HKDF-Expand (RFC 5869) of `length` bytes. */
function hkdfExpand(hash: string, prk: Buffer, info: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let previous: Buffer = Buffer.alloc(0);
  let produced = 0;
  for (let i = 1; produced < length; i++) {
    previous = hmac(hash, prk, previous, info, Buffer.of(i));
    out.push(previous);
    produced += previous.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** HKDF-Expand-Label(secret, label, context, length) of TLS 1.3. */
export function hkdfExpandLabel(hash: string, secret: Buffer, label: string, context: Buffer, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.of(length >> 8, length & 0xff, fullLabel.length), fullLabel, Buffer.of(context.length), context]);
  return hkdfExpand(hash, secret, info, length);
}

/** Key and IV of a TLS 1.3 traffic secret. */
export function tls13Keys(suite: DecryptableSuite, secret: Buffer): TrafficKeys {
  return {
    key: hkdfExpandLabel(suite.hash, secret, 'key', Buffer.alloc(0), suite.keyLength),
    iv: hkdfExpandLabel(suite.hash, secret, 'iv', Buffer.alloc(0), 12),
    macKey: Buffer.alloc(0),
  };
}

/** The traffic secret that follows a KeyUpdate. */
export function nextTrafficSecret(suite: DecryptableSuite, secret: Buffer): Buffer {
  return hkdfExpandLabel(suite.hash, secret, 'traffic upd', Buffer.alloc(0), secret.length);
}
