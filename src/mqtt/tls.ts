/**
 * Wireshark's names of TLS record content types and handshake message types, for the timeline. The record layer,
 * handshake parsing and decryption live in src/tls.
 */

export const TLS_CONTENT_TYPES: Readonly<Record<number, string>> = {
  20: 'Change Cipher Spec', 21: 'Alert', 22: 'Handshake', 23: 'Application Data', 24: 'Heartbeat',
};

export const TLS_HANDSHAKE_TYPES: Readonly<Record<number, string>> = {
  1: 'Client Hello', 2: 'Server Hello', 4: 'New Session Ticket', 8: 'Encrypted Extensions', 11: 'Certificate',
  12: 'Server Key Exchange', 13: 'Certificate Request', 14: 'Server Hello Done', 15: 'Certificate Verify',
  16: 'Client Key Exchange', 20: 'Finished', 24: 'Key Update',
};
