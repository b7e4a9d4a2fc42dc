/**
 * The TLS cipher suites mqtt-pcap can decrypt (AEAD only) and the names of common others, by IANA number.
 * Pure data; no crypto here.
 */

export type AeadAlgorithm = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

export interface DecryptableSuite {
  name: string;
  /** TLS 1.3 suites carry no key exchange in their name and use HKDF; TLS 1.2 ones use the PRF. */
  tls13: boolean;
  aead: AeadAlgorithm;
  hash: 'sha256' | 'sha384';
  keyLength: number;
  /** TLS 1.2 GCM: 4-byte implicit salt + 8-byte explicit nonce in each record; otherwise a 12-byte IV. */
  explicitNonce: boolean;
}

const suite = (name: string, tls13: boolean, aead: AeadAlgorithm, hash: 'sha256' | 'sha384'): DecryptableSuite => ({
  name, tls13, aead, hash, keyLength: aead === 'aes-128-gcm' ? 16 : 32, explicitNonce: !tls13 && aead !== 'chacha20-poly1305',
});

export const DECRYPTABLE_SUITES: ReadonlyMap<number, DecryptableSuite> = new Map([
  [0x1301, suite('TLS_AES_128_GCM_SHA256', true, 'aes-128-gcm', 'sha256')],
  [0x1302, suite('TLS_AES_256_GCM_SHA384', true, 'aes-256-gcm', 'sha384')],
  [0x1303, suite('TLS_CHACHA20_POLY1305_SHA256', true, 'chacha20-poly1305', 'sha256')],
  [0xc02b, suite('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', false, 'aes-128-gcm', 'sha256')],
  [0xc02c, suite('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', false, 'aes-256-gcm', 'sha384')],
  [0xc02f, suite('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', false, 'aes-128-gcm', 'sha256')],
  [0xc030, suite('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', false, 'aes-256-gcm', 'sha384')],
  [0xcca8, suite('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', false, 'chacha20-poly1305', 'sha256')],
  [0xcca9, suite('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', false, 'chacha20-poly1305', 'sha256')],
  [0x009e, suite('TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', false, 'aes-128-gcm', 'sha256')],
  [0x009f, suite('TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', false, 'aes-256-gcm', 'sha384')],
  [0xccaa, suite('TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', false, 'chacha20-poly1305', 'sha256')],
  [0x009c, suite('TLS_RSA_WITH_AES_128_GCM_SHA256', false, 'aes-128-gcm', 'sha256')],
  [0x009d, suite('TLS_RSA_WITH_AES_256_GCM_SHA384', false, 'aes-256-gcm', 'sha384')],
]);

/** Names of common suites we do not decrypt (CBC, CCM), for reports. */
const OTHER_SUITES: ReadonlyMap<number, string> = new Map([
  [0x1304, 'TLS_AES_128_CCM_SHA256'], [0x1305, 'TLS_AES_128_CCM_8_SHA256'],
  [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA'], [0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA'],
  [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'], [0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA'],
  [0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256'], [0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'],
  [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA'], [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA'],
  [0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256'], [0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
]);

export function cipherSuiteName(id: number): string {
  return DECRYPTABLE_SUITES.get(id)?.name ?? OTHER_SUITES.get(id) ?? `0x${id.toString(16).padStart(4, '0')}`;
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
