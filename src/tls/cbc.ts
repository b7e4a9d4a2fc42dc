/**
 * One direction's record protection under a CBC suite (TLS 1.0 to 1.2), undone with node:crypto: the block cipher
 * with no automatic padding, the padding check, and the record's HMAC over the sequence number, header and content —
 * MAC-then-encrypt (RFC 5246 §6.2.3.2), or encrypt-then-MAC when the handshake negotiated it (RFC 7366). TLS 1.1 and
 * 1.2 records carry their IV; TLS 1.0's is the previous record's last ciphertext block (the first from the key
 * block). A record whose MAC or padding does not verify is a failure with its reason, never an exception. It does
 * not frame records or choose keys.
 */
import type { CbcSuite } from './cipher-suites.js';
import { nodeCrypto, sequenceBytes, type DecryptResult, type RecordDecryptor } from './decrypt.js';
import type { TrafficKeys } from './key-schedule.js';

export interface CbcOptions {
  /** The negotiated version (0x0301 to 0x0303): TLS 1.0 chains IVs, later versions send one per record. */
  version: number;
  /** RFC 7366 encrypt_then_mac was negotiated (both hellos carried the extension). */
  encryptThenMac: boolean;
}

export class CbcDecryptor implements RecordDecryptor {
  sequence = 0n;
  /** TLS 1.0: the IV of the next record. */
  private chainedIv: Buffer;

  constructor(private readonly suite: CbcSuite, private readonly keys: TrafficKeys, private readonly options: CbcOptions) {
    this.chainedIv = keys.iv;
  }

  skip(): void {
    this.sequence++;
    // TLS 1.0: the next record's IV was in the skipped one; it will not verify (as in Wireshark).
  }

  decrypt(header: Buffer, body: Buffer): DecryptResult {
    const sequence = this.sequence++;
    const { suite, options } = this;
    const block = suite.blockSize;
    const explicitIv = options.version >= 0x0302;
    const sealedLength = options.encryptThenMac ? body.length - suite.macLength : body.length;
    // Whole blocks: an explicit IV and at least one block (MAC-then-encrypt: the MAC and a padding byte inside).
    const minimum = (explicitIv ? block : 0) + (options.encryptThenMac ? block : Math.ceil((suite.macLength + 1) / block) * block);
    if (sealedLength < minimum || sealedLength % block !== 0) return { ok: false, reason: 'length' };
    const sealed = body.subarray(0, sealedLength);
    if (options.encryptThenMac) {
      const mac = this.mac(sequence, header, sealed);
      if (!mac.equals(body.subarray(sealedLength))) return { ok: false, reason: 'mac' };
    }
    const iv = explicitIv ? sealed.subarray(0, block) : this.chainedIv;
    const ciphertext = explicitIv ? sealed.subarray(block) : sealed;
    if (!explicitIv) this.chainedIv = Buffer.from(ciphertext.subarray(ciphertext.length - block));
    let plain: Buffer;
    try {
      const decipher = nodeCrypto().createDecipheriv(suite.cipher, this.keys.key, iv).setAutoPadding(false);
      const first = decipher.update(ciphertext);
      const last = decipher.final();
      plain = last.length === 0 ? first : Buffer.concat([first, last]);
    } catch {
      return { ok: false, reason: 'length' };
    }
    const padding = plain[plain.length - 1]!;
    const macLength = options.encryptThenMac ? 0 : suite.macLength;
    if (plain.length < macLength + padding + 1) return { ok: false, reason: 'padding' };
    for (let i = plain.length - 1 - padding; i < plain.length - 1; i++) if (plain[i] !== padding) return { ok: false, reason: 'padding' };
    const end = plain.length - padding - 1 - macLength;
    const data = plain.subarray(0, end);
    if (!options.encryptThenMac && !this.mac(sequence, header, data).equals(plain.subarray(end, end + macLength))) {
      return { ok: false, reason: 'mac' };
    }
    return { ok: true, contentType: header[0]!, data };
  }

  /** HMAC(seq ‖ type ‖ version ‖ length ‖ content): content is the plaintext (MAC-then-encrypt) or IV and ciphertext. */
  private mac(sequence: bigint, header: Buffer, content: Buffer): Buffer {
    const pseudoHeader = Buffer.alloc(13);
    sequenceBytes(sequence).copy(pseudoHeader, 0);
    header.copy(pseudoHeader, 8, 0, 3);
    pseudoHeader.writeUInt16BE(content.length, 11);
    return nodeCrypto().createHmac(this.suite.mac, this.keys.macKey).update(pseudoHeader).update(content).digest();
  }
}
