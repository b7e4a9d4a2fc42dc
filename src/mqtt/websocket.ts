/**
 * WebSocket unframing for one direction of an MQTT-over-WebSocket connection (RFC 6455): skips the HTTP Upgrade
 * request or response, then parses WebSocket frames (masked or not, 7/16/64-bit lengths, fragmented messages) and
 * passes the unmasked payload of binary, text and continuation frames on, in order. Control frames (ping, pong,
 * close) are counted, not passed. It does not look inside the payload (the MQTT framer does).
 */

export interface WebSocketSink {
  payload(data: Buffer, frame: number, time: number): void;
  /** Something that is not WebSocket where a frame was expected. */
  malformed(message: string, frame: number, time: number): void;
}

const MAX_HTTP_HEAD = 16 * 1024;

export class WebSocketUnframer {
  private inHttp = true;
  private carry: Buffer | null = null;
  /** Payload bytes still expected for the current frame, and its mask state. */
  private remaining = 0;
  private mask: Buffer | null = null;
  private maskOffset = 0;
  private passOn = false;
  private broken = false;
  controlFrames = 0;

  constructor(private readonly sink: WebSocketSink) {}

  push(data: Buffer, frame: number, time: number): void {
    if (this.broken) return;
    let buf = this.carry === null ? data : Buffer.concat([this.carry, data]);
    this.carry = null;
    let offset = 0;
    if (this.inHttp) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > MAX_HTTP_HEAD) {
          this.broken = true;
          this.sink.malformed('HTTP upgrade header too long', frame, time);
          return;
        }
        this.carry = Buffer.from(buf);
        return;
      }
      this.inHttp = false;
      offset = end + 4;
    }
    while (offset < buf.length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, buf.length - offset);
        const chunk = buf.subarray(offset, offset + n);
        offset += n;
        this.remaining -= n;
        if (this.passOn) {
          let out = chunk;
          if (this.mask !== null) {
            out = Buffer.allocUnsafe(n);
            for (let i = 0; i < n; i++) out[i] = chunk[i]! ^ this.mask[(this.maskOffset + i) & 3]!;
            this.maskOffset += n;
          }
          this.sink.payload(out, frame, time);
        }
        continue;
      }
      const available = buf.length - offset;
      if (available < 2) break;
      const b0 = buf[offset]!;
      const b1 = buf[offset + 1]!;
      const opcode = b0 & 0x0f;
      const masked = (b1 & 0x80) !== 0;
      let length = b1 & 0x7f;
      let header = 2;
      if (length === 126) {
        if (available < 4) break;
        length = buf.readUInt16BE(offset + 2);
        header = 4;
      } else if (length === 127) {
        if (available < 10) break;
        length = buf.readUInt32BE(offset + 2) * 0x100000000 + buf.readUInt32BE(offset + 6);
        header = 10;
      }
      if (masked) header += 4;
      if (available < header) break;
      if ((b0 & 0x70) !== 0 || (opcode > 2 && opcode < 8) || opcode > 10) {
        this.broken = true;
        this.sink.malformed(`bad WebSocket frame header 0x${b0.toString(16)}`, frame, time);
        return;
      }
      this.mask = masked ? Buffer.from(buf.subarray(offset + header - 4, offset + header)) : null;
      this.maskOffset = 0;
      this.remaining = length;
      this.passOn = opcode <= 2;
      if (!this.passOn) this.controlFrames++;
      offset += header;
    }
    if (offset < buf.length) this.carry = Buffer.from(buf.subarray(offset));
  }
}
