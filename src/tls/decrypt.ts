/**
 * One direction's record protection, undone with node:crypto AEAD ciphers (AES-GCM, ChaCha20-Poly1305): the
 * per-record nonce and additional data of TLS 1.2 (RFC 5288, RFC 7905) and TLS 1.3 (RFC 8446 §5.2), the record
 * sequence number, and, for TLS 1.3, the inner content type behind the padding. A record that does not
 * authenticate yields `undefined` (wrong key, corrupted or cut record); it never throws. It does not frame records.
 */
import type { CipherGCMTypes, CipherChaCha20Poly1305Types } from 'node:crypto';
import type { DecryptableSuite } from './cipher-suites.js';
import type { TrafficKeys } from './key-schedule.js';

/** node:crypto, loaded when first needed rather than by every run that imports the TLS layer (start-up). */
let cryptoModule: typeof import('node:crypto') | undefined;
const nodeCrypto = (): typeof import('node:crypto') => (cryptoModule ??= process.getBuiltinModule('node:crypto'));

const TAG = 16;

export interface Plaintext {
  /** The real content type (TLS 1.3: from inside the record). */
  contentType: number;
  data: Buffer;
}

export class RecordDecryptor {
  /** Records decrypted (or skipped) so far with these keys: the next record's sequence number. */
  sequence = 0n;

  constructor(private readonly suite: DecryptableSuite, private readonly keys: TrafficKeys) {}

  /** Skips one record that cannot be decrypted (cut by the capture) so that the next one keeps its number. */
  skip(): void {
    this.sequence++;
  }

  /**
   * Decrypts one record (`header`: its 5 bytes, `body`: the rest). Returns undefined when it does not authenticate;
   * the sequence number advances either way.
   */
  decrypt(header: Buffer, body: Buffer): Plaintext | undefined {
    const sequence = this.sequence++;
    const { suite, keys } = this;
    let nonce: Buffer;
    let ciphertext: Buffer;
    let aad: Buffer;
    const seq = Buffer.alloc(8);
    seq.writeBigUInt64BE(sequence);
    if (suite.explicitNonce) {
      if (body.length < 8 + TAG) return undefined;
      nonce = Buffer.concat([keys.iv, body.subarray(0, 8)]);
      ciphertext = body.subarray(8);
    } else {
      if (body.length < TAG) return undefined;
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
      aad.writeUInt16BE(ciphertext.length - TAG, 11);
    }
    const tag = ciphertext.subarray(ciphertext.length - TAG);
    const sealed = ciphertext.subarray(0, ciphertext.length - TAG);
    let data: Buffer;
    try {
      const decipher = suite.aead === 'chacha20-poly1305'
        ? nodeCrypto().createDecipheriv(suite.aead satisfies CipherChaCha20Poly1305Types, keys.key, nonce, { authTagLength: TAG })
        : nodeCrypto().createDecipheriv(suite.aead satisfies CipherGCMTypes, keys.key, nonce, { authTagLength: TAG });
      decipher.setAAD(aad, { plaintextLength: sealed.length });
      decipher.setAuthTag(tag);
      const first = decipher.update(sealed);
      const last = decipher.final();
      data = last.length === 0 ? first : Buffer.concat([first, last]);
    } catch {
      return undefined;
    }
    if (!suite.tls13) return { contentType: header[0]!, data };
    // TLSInnerPlaintext: content, content type, zero padding.
    let end = data.length - 1;
    while (end >= 0 && data[end] === 0) end--;
    if (end < 0) return undefined;
    return { contentType: data[end]!, data: data.subarray(0, end) };
  }
}
