/**
 * One direction's record protection under an AEAD suite, undone with node:crypto (AES-GCM, AES-CCM and CCM_8,
 * ChaCha20-Poly1305): the per-record nonce and additional data of TLS 1.2 (RFC 5288, RFC 6655, RFC 7905) and TLS 1.3
 * (RFC 8446 §5.2), the record sequence number, and, for TLS 1.3, the inner content type behind the padding. Also the
 * contract every record decryptor keeps (this one and cbc.ts's): a record that cannot be opened yields a failure with
 * its reason (wrong key, corrupted or cut record); it never throws. It does not frame records or choose keys.
 */
import type { CipherCCMTypes, CipherGCMTypes, CipherChaCha20Poly1305Types } from 'node:crypto';
import type { AeadSuite } from './cipher-suites.js';
import type { TrafficKeys } from './key-schedule.js';

/** node:crypto, loaded when first needed rather than by every run that imports the TLS layer (start-up). */
let cryptoModule: typeof import('node:crypto') | undefined;
export const nodeCrypto = (): typeof import('node:crypto') => (cryptoModule ??= process.getBuiltinModule('node:crypto'));

/**
 * Why a record could not be opened: `authentication` (an AEAD tag), `mac` (a CBC record's HMAC), `padding` (a CBC
 * record's padding bytes, MAC-then-encrypt), `length` (too short, or not whole blocks, for the suite's framing).
 */
export type DecryptFailure = 'authentication' | 'mac' | 'padding' | 'length';

export type DecryptResult =
  /** `contentType`: the real content type (TLS 1.3: from inside the record). */
  | { ok: true; contentType: number; data: Buffer }
  | { ok: false; reason: DecryptFailure };

/** One direction's decryptor: records in order, each taking the next sequence number. */
export interface RecordDecryptor {
  /** Records decrypted (or skipped) so far with these keys: the next record's sequence number. */
  readonly sequence: bigint;
  /** Skips one record that cannot be decrypted (cut by the capture) so that the next one keeps its number. */
  skip(): void;
  /** Decrypts one record (`header`: its 5 bytes, `body`: the rest); the sequence number advances either way. */
  decrypt(header: Buffer, body: Buffer): DecryptResult;
}

/** The 8-byte big-endian sequence number. */
export function sequenceBytes(sequence: bigint): Buffer {
  const seq = Buffer.alloc(8);
  seq.writeBigUInt64BE(sequence);
  return seq;
}

export class AeadDecryptor implements RecordDecryptor {
  sequence = 0n;

  constructor(private readonly suite: AeadSuite, private readonly keys: TrafficKeys) {}

  skip(): void {
    this.sequence++;
  }

  decrypt(header: Buffer, body: Buffer): DecryptResult {
    const sequence = this.sequence++;
    const { suite, keys } = this;
    const tagLength = suite.tagLength;
    let nonce: Buffer;
    let ciphertext: Buffer;
    let aad: Buffer;
    const seq = sequenceBytes(sequence);
    if (suite.explicitNonce) {
      if (body.length < 8 + tagLength) return { ok: false, reason: 'length' };
      nonce = Buffer.concat([keys.iv, body.subarray(0, 8)]);
      ciphertext = body.subarray(8);
    } else {
      if (body.length < tagLength) return { ok: false, reason: 'length' };
      nonce = Buffer.from(keys.iv);
      for (let i = 0; i < 8; i++) nonce[4 + i]! ^= seq[i]!;
      ciphertext = body;
    }
    if (suite.tls13) {
      aad = header;
    } else {
      aad = Buffer.alloc(13);
      seq.copy(aad, 0);
      header.copy(aad, 8, 0, 3);
      aad.writeUInt16BE(ciphertext.length - tagLength, 11);
    }
    const tag = ciphertext.subarray(ciphertext.length - tagLength);
    const sealed = ciphertext.subarray(0, ciphertext.length - tagLength);
    let data: Buffer;
    try {
      const decipher = suite.aead === 'chacha20-poly1305'
        ? nodeCrypto().createDecipheriv(suite.aead satisfies CipherChaCha20Poly1305Types, keys.key, nonce, { authTagLength: tagLength })
        : suite.aead === 'aes-128-ccm' || suite.aead === 'aes-256-ccm'
          ? nodeCrypto().createDecipheriv(suite.aead satisfies CipherCCMTypes, keys.key, nonce, { authTagLength: tagLength })
          : nodeCrypto().createDecipheriv(suite.aead satisfies CipherGCMTypes, keys.key, nonce, { authTagLength: tagLength });
      // CCM needs the tag before the data and the plaintext length with the additional data; GCM accepts the same.
      decipher.setAuthTag(tag);
      decipher.setAAD(aad, { plaintextLength: sealed.length });
      const first = decipher.update(sealed);
      const last = decipher.final();
      data = last.length === 0 ? first : Buffer.concat([first, last]);
    } catch {
      return { ok: false, reason: 'authentication' };
    }
    if (!suite.tls13) return { ok: true, contentType: header[0]!, data };
    // TLSInnerPlaintext: content, content type, zero padding.
    let end = data.length - 1;
    while (end >= 0 && data[end] === 0) end--;
    if (end < 0) return { ok: false, reason: 'authentication' };
    return { ok: true, contentType: data[end]!, data: data.subarray(0, end) };
  }
}
