import { describe, expect, it } from 'vitest';
import { encodeHeader, FrameReader, FrameWireError, HEADER_BYTES } from './wire.js';

const frame = (cameraId: number, sequence: number, width = 8, height = 4) => {
  const pixels = Buffer.alloc(width * height * 3, sequence);
  return Buffer.concat([
    encodeHeader({
      cameraId,
      width,
      height,
      sequence,
      capturedAt: 1_700_000_000_123.5,
      payloadBytes: pixels.length,
    }),
    pixels,
  ]);
};

describe('frame wire format', () => {
  it('reassembles frames however the stream is cut', () => {
    const stream = Buffer.concat([frame(3, 1), frame(3, 2), frame(3, 3)]);
    for (const cut of [1, 7, HEADER_BYTES, 50, 97, stream.length]) {
      const reader = new FrameReader();
      const frames = [];
      for (let at = 0; at < stream.length; at += cut)
        frames.push(...reader.push(stream.subarray(at, at + cut)));
      expect(
        frames.map((f) => f.header.sequence),
        `cut ${cut}`,
      ).toEqual([1, 2, 3]);
      expect(frames[1]!.pixels.every((b) => b === 2)).toBe(true);
      expect(frames[0]!.header).toMatchObject({
        cameraId: 3,
        width: 8,
        height: 4,
        capturedAt: 1_700_000_000_123.5,
      });
    }
  });

  it('refuses a stream that is not Vigil frames, or a size that does not add up', () => {
    expect(() => new FrameReader().push(Buffer.alloc(64, 7))).toThrow(FrameWireError);
    const bad = frame(1, 1);
    bad.writeUInt32LE(5, 24);
    expect(() => new FrameReader().push(bad)).toThrow(/bad frame size/);
  });
});
