/**
 * decodeFrame: one CaptureFrame in, one DecodedFrame out, dispatching on the link type (Ethernet 1, NULL 0, LOOP 108,
 * raw IP 101/12/14, IPv4 228, IPv6 229, Linux cooked 113 and 276). Never throws: problems land in `error`
 * (an unsupported link type is {layer: "link", code: "decode.unsupported-link"}; an unexpected exception, which
 * would be a bug, is {layer: "link", code: "decode.internal"}).
 * Every DecodedFrame is created with all its keys (absent layers are undefined) so they all share one shape.
 * Payload buffers are views into frame.data.
 */
import type { CaptureFrame } from '../capture/types.js';
import { decodeEthernet } from './ethernet.js';
import { decodeNull } from './null.js';
import { decodeRawIp } from './raw.js';
import { decodeSll } from './sll.js';
import { decodeSll2 } from './sll2.js';
import type { DecodedFrame } from './types.js';
import { NO_TUNNELS } from './util.js';

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW_ALT12 = 12;
export const LINKTYPE_RAW_ALT14 = 14;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

/** Link types decodeFrame understands. */
export const SUPPORTED_LINK_TYPES: readonly number[] = Object.freeze([
  LINKTYPE_NULL, LINKTYPE_ETHERNET, LINKTYPE_RAW_ALT12, LINKTYPE_RAW_ALT14, LINKTYPE_RAW, LINKTYPE_LOOP,
  LINKTYPE_LINUX_SLL, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL2,
]);

/** Decodes the link, network and transport layers of one captured frame. */
export function decodeFrame(frame: CaptureFrame): DecodedFrame {
  const d = frame.data;
  const out: DecodedFrame = {
    frame: frame.frame,
    timestamp: frame.tsSec + frame.tsNsec / 1e9,
    capturedLength: d.length,
    originalLength: frame.originalLength,
    interfaceId: frame.interfaceId,
    tunnels: NO_TUNNELS,
    link: undefined,
    arp: undefined,
    ip: undefined,
    tcp: undefined,
    udp: undefined,
    dns: undefined,
    icmpv6: undefined,
    other: undefined,
    error: undefined,
    truncated: d.length < frame.originalLength,
  };
  try {
    switch (frame.linkType) {
      case LINKTYPE_ETHERNET:
        decodeEthernet(out, d, 0, d.length);
        break;
      case LINKTYPE_RAW:
      case LINKTYPE_RAW_ALT12:
      case LINKTYPE_RAW_ALT14:
      case LINKTYPE_IPV4:
      case LINKTYPE_IPV6:
        decodeRawIp(out, d, 0, d.length);
        break;
      case LINKTYPE_LINUX_SLL:
        decodeSll(out, d, 0, d.length);
        break;
      case LINKTYPE_LINUX_SLL2:
        decodeSll2(out, d, 0, d.length);
        break;
      case LINKTYPE_NULL:
        decodeNull(out, d, 0, d.length, false);
        break;
      case LINKTYPE_LOOP:
        decodeNull(out, d, 0, d.length, true);
        break;
      default:
        out.error = {
          layer: 'link',
          code: 'decode.unsupported-link',
          message: `link type ${frame.linkType} is not supported`,
        };
    }
  } catch (e) {
    out.error = { layer: 'link', code: 'decode.internal', message: `decoder bug: ${(e as Error).message}` };
  }
  return out;
}
