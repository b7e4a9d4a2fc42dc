/**
 * mqtt-pcap's library API: analyse a capture into timeline events and a summary, or use a pipeline stage alone.
 */
export { analyzeCapture, CaptureAnalyzer, DEFAULT_LIMITS } from './pipeline/analyze.js';
export type { Analysis, AnalyzeOptions } from './pipeline/analyze.js';
export type * from './model/events.js';
export type * from './model/summary.js';
export { FINDING_CODES } from './model/findings.js';
export { readCapture, CaptureParser } from './capture/index.js';
export { CaptureError } from './capture/types.js';
export type { CaptureFrame, CaptureSummary, CaptureNotice } from './capture/types.js';
export { decodeFrame } from './decode/frame.js';
export type { DecodedFrame } from './decode/types.js';
export { topicMatches } from './mqtt/topic.js';
export { summarizeMqtt, writeMqttSummary } from './mqtt/summary.js';
export type { SummaryWriter } from './mqtt/summary.js';
export { KeyLog, loadKeyLog } from './tls/keylog.js';
