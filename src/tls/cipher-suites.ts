/**
 * The TLS cipher suites mqtt-pcap can decrypt, by IANA number: AEAD suites (AES-GCM, AES-CCM and CCM_8,
 * ChaCha20-Poly1305; TLS 1.2 and 1.3) and CBC suites with an HMAC (AES-128/256, 3DES; SHA-1, SHA-256, SHA-384;
 * TLS 1.0 to 1.2). Reports name a suite from this table, any other by its number. Pure data; no crypto here.
 */

export type AeadAlgorithm = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm' | 'aes-256-ccm';
export type CbcAlgorithm = 'aes-128-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';
export type MacHash = 'sha1' | 'sha256' | 'sha384';

interface SuiteBase {
  name: string;
  /** The TLS 1.2 PRF's hash, or TLS 1.3's HKDF hash (TLS 1.0 and 1.1 always use their MD5+SHA-1 PRF). */
  hash: 'sha256' | 'sha384';
  keyLength: number;
}

/** An AEAD suite: the record is sealed with a nonce and additional data (RFC 5116). */
export interface AeadSuite extends SuiteBase {
  kind: 'aead';
  /** TLS 1.3 suites carry no key exchange in their name and use HKDF; TLS 1.2 ones use the PRF. */
  tls13: boolean;
  aead: AeadAlgorithm;
  /** 16, or 8 for the CCM_8 suites. */
  tagLength: 16 | 8;
  /** TLS 1.2 GCM and CCM: 4-byte implicit salt + 8-byte explicit nonce in each record; otherwise a 12-byte IV. */
  explicitNonce: boolean;
}

/** A block cipher in CBC mode with an HMAC (MAC-then-encrypt, or encrypt-then-MAC when RFC 7366 was negotiated). */
export interface CbcSuite extends SuiteBase {
  kind: 'cbc';
  tls13: false;
  cipher: CbcAlgorithm;
  blockSize: 16 | 8;
  mac: MacHash;
  macLength: 20 | 32 | 48;
}

export type DecryptableSuite = AeadSuite | CbcSuite;

const aead = (name: string, tls13: boolean, algorithm: AeadAlgorithm, hash: 'sha256' | 'sha384', tagLength: 16 | 8 = 16): AeadSuite => ({
  kind: 'aead', name, tls13, aead: algorithm, hash, tagLength,
  keyLength: algorithm === 'aes-128-gcm' || algorithm === 'aes-128-ccm' ? 16 : 32,
  explicitNonce: !tls13 && algorithm !== 'chacha20-poly1305',
});

const MAC_LENGTH = { sha1: 20, sha256: 32, sha384: 48 } as const;

const cbc = (name: string, cipher: CbcAlgorithm, mac: MacHash): CbcSuite => ({
  kind: 'cbc', name, tls13: false, cipher, mac, macLength: MAC_LENGTH[mac],
  hash: mac === 'sha384' ? 'sha384' : 'sha256',
  keyLength: cipher === 'aes-128-cbc' ? 16 : cipher === 'aes-256-cbc' ? 32 : 24,
  blockSize: cipher === 'des-ede3-cbc' ? 8 : 16,
});

export const DECRYPTABLE_SUITES: ReadonlyMap<number, DecryptableSuite> = new Map<number, DecryptableSuite>([
  [0x1301, aead('TLS_AES_128_GCM_SHA256', true, 'aes-128-gcm', 'sha256')],
  [0x1302, aead('TLS_AES_256_GCM_SHA384', true, 'aes-256-gcm', 'sha384')],
  [0x1303, aead('TLS_CHACHA20_POLY1305_SHA256', true, 'chacha20-poly1305', 'sha256')],
  [0x1304, aead('TLS_AES_128_CCM_SHA256', true, 'aes-128-ccm', 'sha256')],
  [0x1305, aead('TLS_AES_128_CCM_8_SHA256', true, 'aes-128-ccm', 'sha256', 8)],
  [0xc02b, aead('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', false, 'aes-128-gcm', 'sha256')],
  [0xc02c, aead('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', false, 'aes-256-gcm', 'sha384')],
  [0xc02f, aead('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', false, 'aes-128-gcm', 'sha256')],
  [0xc030, aead('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', false, 'aes-256-gcm', 'sha384')],
  [0xcca8, aead('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', false, 'chacha20-poly1305', 'sha256')],
  [0xcca9, aead('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', false, 'chacha20-poly1305', 'sha256')],
  [0x009e, aead('TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', false, 'aes-128-gcm', 'sha256')],
  [0x009f, aead('TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', false, 'aes-256-gcm', 'sha384')],
  [0xccaa, aead('TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', false, 'chacha20-poly1305', 'sha256')],
  [0x009c, aead('TLS_RSA_WITH_AES_128_GCM_SHA256', false, 'aes-128-gcm', 'sha256')],
  [0x009d, aead('TLS_RSA_WITH_AES_256_GCM_SHA384', false, 'aes-256-gcm', 'sha384')],
  // AES-CCM (RFC 6655, RFC 7251), TLS 1.2: the mbedTLS suites.
  [0xc09c, aead('TLS_RSA_WITH_AES_128_CCM', false, 'aes-128-ccm', 'sha256')],
  [0xc09d, aead('TLS_RSA_WITH_AES_256_CCM', false, 'aes-256-ccm', 'sha256')],
  [0xc09e, aead('TLS_DHE_RSA_WITH_AES_128_CCM', false, 'aes-128-ccm', 'sha256')],
  [0xc09f, aead('TLS_DHE_RSA_WITH_AES_256_CCM', false, 'aes-256-ccm', 'sha256')],
  [0xc0a0, aead('TLS_RSA_WITH_AES_128_CCM_8', false, 'aes-128-ccm', 'sha256', 8)],
  [0xc0a1, aead('TLS_RSA_WITH_AES_256_CCM_8', false, 'aes-256-ccm', 'sha256', 8)],
  [0xc0a2, aead('TLS_DHE_RSA_WITH_AES_128_CCM_8', false, 'aes-128-ccm', 'sha256', 8)],
  [0xc0a3, aead('TLS_DHE_RSA_WITH_AES_256_CCM_8', false, 'aes-256-ccm', 'sha256', 8)],
  [0xc0a4, aead('TLS_PSK_WITH_AES_128_CCM', false, 'aes-128-ccm', 'sha256')],
  [0xc0a5, aead('TLS_PSK_WITH_AES_256_CCM', false, 'aes-256-ccm', 'sha256')],
  [0xc0a8, aead('TLS_PSK_WITH_AES_128_CCM_8', false, 'aes-128-ccm', 'sha256', 8)],
  [0xc0a9, aead('TLS_PSK_WITH_AES_256_CCM_8', false, 'aes-256-ccm', 'sha256', 8)],
  [0xc0ac, aead('TLS_ECDHE_ECDSA_WITH_AES_128_CCM', false, 'aes-128-ccm', 'sha256')],
  [0xc0ad, aead('TLS_ECDHE_ECDSA_WITH_AES_256_CCM', false, 'aes-256-ccm', 'sha256')],
  [0xc0ae, aead('TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8', false, 'aes-128-ccm', 'sha256', 8)],
  [0xc0af, aead('TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8', false, 'aes-256-ccm', 'sha256', 8)],
  // CBC with an HMAC (TLS 1.0 to 1.2).
  [0x002f, cbc('TLS_RSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0x0035, cbc('TLS_RSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0x003c, cbc('TLS_RSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256')],
  [0x003d, cbc('TLS_RSA_WITH_AES_256_CBC_SHA256', 'aes-256-cbc', 'sha256')],
  [0x0033, cbc('TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0x0039, cbc('TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0x0067, cbc('TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256')],
  [0x006b, cbc('TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 'aes-256-cbc', 'sha256')],
  [0xc009, cbc('TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0xc00a, cbc('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0xc013, cbc('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0xc014, cbc('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0xc023, cbc('TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256')],
  [0xc024, cbc('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 'aes-256-cbc', 'sha384')],
  [0xc027, cbc('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256')],
  [0xc028, cbc('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'aes-256-cbc', 'sha384')],
  [0x008c, cbc('TLS_PSK_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1')],
  [0x008d, cbc('TLS_PSK_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1')],
  [0x00ae, cbc('TLS_PSK_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256')],
  [0x00af, cbc('TLS_PSK_WITH_AES_256_CBC_SHA384', 'aes-256-cbc', 'sha384')],
  [0x000a, cbc('TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'des-ede3-cbc', 'sha1')],
  [0x0016, cbc('TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA', 'des-ede3-cbc', 'sha1')],
  [0xc008, cbc('TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA', 'des-ede3-cbc', 'sha1')],
  [0xc012, cbc('TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', 'des-ede3-cbc', 'sha1')],
]);

export function cipherSuiteName(id: number): string {
  return DECRYPTABLE_SUITES.get(id)?.name ?? `0x${id.toString(16).padStart(4, '0')}`;
}

/** "TLS 1.2" for 0x0303 and so on (SSL 3.0 for 0x0300). */
export function tlsVersionName(version: number): string {
  switch (version) {
    case 0x0300: return 'SSL 3.0';
    case 0x0301: return 'TLS 1.0';
    case 0x0302: return 'TLS 1.1';
    case 0x0303: return 'TLS 1.2';
    case 0x0304: return 'TLS 1.3';
    default: return `0x${version.toString(16).padStart(4, '0')}`;
  }
}
