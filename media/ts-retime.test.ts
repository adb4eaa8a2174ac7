import { describe, expect, it } from 'vitest';
import {
  JOIN_TOLERANCE_TICKS,
  OUTPUT_BASE_TICKS,
  scanTiming,
  shiftTimestamps,
  TS_PACKET_SIZE,
  TsJoiner,
  type SegmentTiming,
} from './ts-retime.js';

const WRAP = 2 ** 33;
const FRAME = 3000; // 30 frames/s at 90 kHz

/** A PTS/DTS field: 4-bit prefix, 33 bits with marker bits (ISO/IEC 13818-1 §2.4.3.7). */
function timestamp(prefix: number, value: number): number[] {
  const high = Math.floor(value / 2 ** 30);
  const low = value % 2 ** 30;
  return [
    (prefix << 4) | (high << 1) | 1,
    (low >> 22) & 0xff,
    (((low >> 15) & 0x7f) << 1) | 1,
    (low >> 7) & 0xff,
    ((low & 0x7f) << 1) | 1,
  ];
}

/** One packet on PID 0x41 starting a video PES with PTS and DTS, and a PCR in its adaptation field. */
function videoPacket(pts: number, dts: number, pcr: number): Uint8Array {
  const packet = new Uint8Array(TS_PACKET_SIZE).fill(0xff);
  const pcrBase = [
    Math.floor(pcr / 2 ** 25) & 0xff,
    Math.floor(pcr / 2 ** 17) & 0xff,
    Math.floor(pcr / 2 ** 9) & 0xff,
    Math.floor(pcr / 2) & 0xff,
    ((pcr % 2) << 7) | 0x7e, // low bit, 6 reserved bits, extension's top bit 0
    0x05, // extension's low bits
  ];
  const adaptation = [7, 0x10, ...pcrBase];
  const pes = [0, 0, 1, 0xe0, 0, 0, 0x80, 0xc0, 10, ...timestamp(3, pts), ...timestamp(1, dts), 0, 0, 0, 1];
  packet.set([0x47, 0x40, 0x41, 0x30, ...adaptation, ...pes]);
  return packet;
}

/** A segment of `pictures` frames whose first DTS is `first` (PTS one frame later, PCR 125 ms before). */
function segment(first: number, pictures: number): Uint8Array {
  const packets = Array.from({ length: pictures }, (_, i) => {
    const dts = (first + i * FRAME) % WRAP;
    return videoPacket((dts + FRAME) % WRAP, dts, (dts - 11_250 + WRAP) % WRAP);
  });
  return Buffer.concat(packets);
}

/** PTS, DTS and PCR base of every packet, read the way a demuxer would. */
function times(ts: Uint8Array): { pts: number; dts: number; pcr: number }[] {
  const read = (p: Uint8Array, at: number) =>
    (((p[at] ?? 0) >> 1) & 7) * 2 ** 30 +
    ((p[at + 1] ?? 0) << 22) +
    (((p[at + 2] ?? 0) >> 1) << 15) +
    ((p[at + 3] ?? 0) << 7) +
    ((p[at + 4] ?? 0) >> 1);
  const out = [];
  for (let at = 0; at < ts.length; at += TS_PACKET_SIZE) {
    const p = ts.subarray(at, at + TS_PACKET_SIZE);
    const pcr =
      (p[6] ?? 0) * 2 ** 25 +
      ((p[7] ?? 0) << 17) +
      ((p[8] ?? 0) << 9) +
      ((p[9] ?? 0) << 1) +
      ((p[10] ?? 0) >> 7);
    out.push({ pts: read(p, 21), dts: read(p, 26), pcr });
  }
  return out;
}

const timing = (firstDts: number, pictures: number): SegmentTiming => ({
  firstDts,
  spanTicks: (pictures - 1) * FRAME,
  pictures,
  frameTicks: FRAME,
  audio: false,
});

describe('scanTiming', () => {
  it('reads the first DTS, the span and the pictures of a segment', () => {
    expect(scanTiming(segment(324_000_000, 60))).toEqual(timing(324_000_000, 60));
  });

  it('measures a span across the 33-bit wrap', () => {
    const found = scanTiming(segment(WRAP - 10 * FRAME, 30));
    expect(found?.spanTicks).toBe(29 * FRAME);
  });

  it('finds nothing in bytes without a timed picture, and stops at a packet without the sync byte', () => {
    expect(scanTiming(new Uint8Array(TS_PACKET_SIZE * 2))).toBeNull();
    const cut = segment(1000, 3);
    cut[TS_PACKET_SIZE * 2] = 0;
    expect(scanTiming(cut)?.pictures).toBe(2);
  });
});

describe('shiftTimestamps', () => {
  it('moves PTS, DTS and PCR by the same ticks and keeps the marker bits and the PCR extension', () => {
    const ts = segment(324_000_000, 3);
    const before = times(ts);
    shiftTimestamps(ts, 90_000);
    expect(times(ts)).toEqual(
      before.map((t) => ({ pts: t.pts + 90_000, dts: t.dts + 90_000, pcr: t.pcr + 90_000 })),
    );
    // Marker bits of the PTS field and the PCR's reserved bits and extension are untouched.
    expect((ts[25] ?? 0) & 1).toBe(1);
    expect((ts[10] ?? 0) & 0x7f).toBe(0x7e);
    expect(ts[11]).toBe(0x05);
  });

  it('wraps at 2^33, both ways', () => {
    const ts = segment(WRAP - FRAME, 2);
    shiftTimestamps(ts, 2 * FRAME);
    expect(times(ts).map((t) => t.dts)).toEqual([FRAME, 2 * FRAME]);
    shiftTimestamps(ts, -3 * FRAME);
    expect(times(ts).map((t) => t.dts)).toEqual([WRAP - 2 * FRAME, WRAP - FRAME]);
  });
});

describe('TsJoiner', () => {
  it('starts the joined clock at its base and leaves following segments of a session as they are', () => {
    const joiner = new TsJoiner();
    const first = joiner.next(timing(324_000_000, 60));
    expect(first).toBe(OUTPUT_BASE_TICKS - 324_000_000);
    expect(joiner.next(timing(324_000_000 + 60 * FRAME, 60))).toBe(first);
    expect(joiner.joins).toBe(0);
    expect(joiner.durationTicks).toBe(120 * FRAME);
  });

  it('joins a new session (its clock starts again) one frame after the last picture', () => {
    const joiner = new TsJoiner();
    joiner.next(timing(324_000_000, 60));
    const shift = joiner.next(timing(324_000_000, 60));
    expect(324_000_000 + shift).toBe(OUTPUT_BASE_TICKS + 60 * FRAME);
    expect(joiner.joins).toBe(1);
    expect(joiner.durationTicks).toBe(120 * FRAME);
  });

  it('closes a gap longer than the tolerance and keeps a shorter one', () => {
    const closed = new TsJoiner();
    const base = closed.next(timing(1_000_000, 30));
    const after = closed.next(timing(1_000_000 + 30 * FRAME + JOIN_TOLERANCE_TICKS + 1, 30));
    expect(1_000_000 + 30 * FRAME + JOIN_TOLERANCE_TICKS + 1 + after).toBe(OUTPUT_BASE_TICKS + 30 * FRAME);
    expect(closed.joins).toBe(1);

    const kept = new TsJoiner();
    kept.next(timing(1_000_000, 30));
    expect(kept.next(timing(1_000_000 + 30 * FRAME + JOIN_TOLERANCE_TICKS / 2, 30))).toBe(base);
    expect(kept.durationTicks).toBe(60 * FRAME + JOIN_TOLERANCE_TICKS / 2);
  });

  it('treats a session that wraps at 2^33 as continuous', () => {
    const joiner = new TsJoiner();
    const first = joiner.next(timing(WRAP - 30 * FRAME, 30));
    expect(joiner.next(timing(0, 30))).toBe(first);
    expect(joiner.joins).toBe(0);
  });

  it('closes a step back of more than half a frame (an overlap would make the muxer refuse the file)', () => {
    const joiner = new TsJoiner();
    joiner.next(timing(1_000_000, 30));
    joiner.next(timing(1_000_000 + 29 * FRAME, 30));
    expect(joiner.joins).toBe(1);
    expect(joiner.durationTicks).toBe(60 * FRAME);
  });
});
