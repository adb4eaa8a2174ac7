/**
 * The frame socket between a camera worker (media/) and the inference worker: a Unix socket in a folder only
 * Vigil's user can enter, so pixels go process to process and never through the server's event loop.
 *
 * Camera → inference: frames, each a 32-byte header and packed RGB (width * height * 3 bytes).
 *   header (little endian): magic "VGF1" · camera id u32 · width u16 · height u16 · sequence u32 ·
 *   captured at f64 (epoch ms) · payload bytes u32 · reserved u32
 * Inference → camera: newline-separated JSON control lines, today `{"active": true|false}`: something moves or is
 * tracked (send at the analysis rate) or not (the idle rate).
 */

export const FRAME_MAGIC = 0x31464756; // "VGF1" read as a little-endian u32
export const HEADER_BYTES = 32;
/** Refuse anything bigger than 1920 × 1080 RGB: the analysis branch never sends more. */
export const MAX_PAYLOAD = 1920 * 1080 * 3;

export interface FrameHeader {
  cameraId: number;
  width: number;
  height: number;
  sequence: number;
  capturedAt: number;
  payloadBytes: number;
}

export function encodeHeader(header: FrameHeader): Buffer {
  const out = Buffer.alloc(HEADER_BYTES);
  out.writeUInt32LE(FRAME_MAGIC, 0);
  out.writeUInt32LE(header.cameraId, 4);
  out.writeUInt16LE(header.width, 8);
  out.writeUInt16LE(header.height, 10);
  out.writeUInt32LE(header.sequence >>> 0, 12);
  out.writeDoubleLE(header.capturedAt, 16);
  out.writeUInt32LE(header.payloadBytes, 24);
  return out;
}

export class FrameWireError extends Error {}

export function decodeHeader(bytes: Buffer): FrameHeader {
  if (bytes.readUInt32LE(0) !== FRAME_MAGIC) throw new FrameWireError('not a Vigil frame stream');
  const header: FrameHeader = {
    cameraId: bytes.readUInt32LE(4),
    width: bytes.readUInt16LE(8),
    height: bytes.readUInt16LE(10),
    sequence: bytes.readUInt32LE(12),
    capturedAt: bytes.readDoubleLE(16),
    payloadBytes: bytes.readUInt32LE(24),
  };
  if (header.payloadBytes !== header.width * header.height * 3 || header.payloadBytes > MAX_PAYLOAD) {
    throw new FrameWireError(
      `bad frame size ${header.width}×${header.height} (${header.payloadBytes} bytes)`,
    );
  }
  return header;
}

/** Reassembles frames from a byte stream; `push` returns the complete ones (header and pixels). */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private header: FrameHeader | null = null;

  push(chunk: Buffer): { header: FrameHeader; pixels: Buffer }[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: { header: FrameHeader; pixels: Buffer }[] = [];
    for (;;) {
      if (!this.header) {
        if (this.buffered < HEADER_BYTES) break;
        this.header = decodeHeader(this.take(HEADER_BYTES));
      }
      if (this.buffered < this.header.payloadBytes) break;
      frames.push({ header: this.header, pixels: this.take(this.header.payloadBytes) });
      this.header = null;
    }
    return frames;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}
