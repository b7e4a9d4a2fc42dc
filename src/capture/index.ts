/**
 * Public API of the capture reader: pcap / pcapng (optionally gzip-compressed) from a file, stdin or a stream,
 * delivered as CaptureFrame records. No protocol decoding happens in this folder.
 */
export { CaptureParser, readCapture } from './reader.js';
export type { CaptureParserOptions, ReadCaptureOptions } from './reader.js';
export { CaptureError, DecryptionSecrets, SECRETS_TLS_KEY_LOG } from './types.js';
export type { CaptureFrame, CaptureInterface, CaptureNotice, CaptureSink, CaptureSummary } from './types.js';
