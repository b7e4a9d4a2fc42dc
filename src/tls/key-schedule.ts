/**
 * Traffic keys from logged secrets, with node:crypto only: the TLS 1.2 PRF (RFC 5246 §5) expanding a master secret
 * into the AEAD keys and IVs of both sides, and TLS 1.3's HKDF-Expand-Label (RFC 8446 §7.1) deriving a traffic
 * secret's key and IV, and the next secret after a KeyUpdate. It does not decrypt (see decrypt.ts).
 */
import type { DecryptableSuite } from './cipher-suites.js';

/** node:crypto, loaded when first needed rather than by every run that imports the TLS layer (start-up). */
let cryptoModule: typeof import('node:crypto') | undefined;
const nodeCrypto = (): typeof import('node:crypto') => (cryptoModule ??= process.getBuiltinModule('node:crypto'));

export interface TrafficKeys {
  key: Buffer;
  /** 12 bytes (TLS 1.3, ChaCha20), or the 4-byte GCM salt of TLS 1.2. */
  iv: Buffer;
}

function hmac(hash: string, key: Buffer, ...data: Buffer[]): Buffer {
  const h = nodeCrypto().createHmac(hash, key);
  for (const d of data) h.update(d);
  return h.digest();
}

/** TLS 1.2 PRF: P_hash(secret, label + seed) cut to `length` bytes. */
export function prf12(hash: string, secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
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

/** Client and server write keys of a TLS 1.2 AEAD session from its master secret. */
export function tls12Keys(suite: DecryptableSuite, masterSecret: Buffer, clientRandom: Buffer, serverRandom: Buffer):
  { client: TrafficKeys; server: TrafficKeys } {
  const ivLength = suite.explicitNonce ? 4 : 12;
  const block = prf12(suite.hash, masterSecret, 'key expansion', Buffer.concat([serverRandom, clientRandom]),
    2 * suite.keyLength + 2 * ivLength);
  let at = 0;
  const take = (n: number): Buffer => { const b = block.subarray(at, at + n); at += n; return b; };
  const clientKey = take(suite.keyLength);
  const serverKey = take(suite.keyLength);
  const clientIv = take(ivLength);
  const serverIv = take(ivLength);
  return { client: { key: clientKey, iv: clientIv }, server: { key: serverKey, iv: serverIv } };
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
  };
}

/** The traffic secret that follows a KeyUpdate. */
export function nextTrafficSecret(suite: DecryptableSuite, secret: Buffer): Buffer {
  return hkdfExpandLabel(suite.hash, secret, 'traffic upd', Buffer.alloc(0), secret.length);
}
