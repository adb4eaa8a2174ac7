import { describe, expect, it } from 'vitest';
import { countKeyframes } from './ts-keyframes.js';

const VIDEO_PID = 0x41;
const nal = (type: number, size: number): number[] => [0, 0, 0, 1, type, ...Array<number>(size).fill(0x11)];
const SPS = nal(0x67, 20);
const PPS = nal(0x68, 4);
const idr = (size = 600): number[] => [...SPS, ...PPS, ...nal(0x65, size)];
const predicted = (size = 300): number[] => nal(0x41, size);

/** One TS packet: header, an adaptation field of `stuffing` bytes when asked, then the payload. */
function packet(pid: number, unitStart: boolean, payload: number[], stuffing = 0): number[] {
  const header = [0x47, (unitStart ? 0x40 : 0) | (pid >> 8), pid & 0xff];
  if (stuffing === 0) return [...header, 0x10, ...payload];
  // adaptation_field_length counts the flags byte and the stuffing after it.
  const adaptation = stuffing === 1 ? [0] : [stuffing - 1, 0, ...Array<number>(stuffing - 2).fill(0xff)];
  return [...header, 0x30, ...adaptation, ...payload];
}

/** A PES packet (with a PTS in its header, as mpegtsmux writes) carrying one access unit, cut into TS packets. */
function pes(accessUnit: number[], pid = VIDEO_PID): number[] {
  const bytes = [0, 0, 1, 0xe0, 0, 0, 0x80, 0x80, 5, 0x21, 0, 1, 0, 1, ...accessUnit];
  const out: number[] = [];
  for (let at = 0; at < bytes.length; at += 184) {
    const payload = bytes.slice(at, at + 184);
    out.push(...packet(pid, at === 0, payload, 184 - payload.length));
  }
  return out;
}

/** A PAT section: a unit start that is not a PES packet. */
const pat = packet(0, true, [
  0,
  0,
  0xb0,
  13,
  0,
  1,
  0xc1,
  0,
  0,
  0,
  1,
  0xe0,
  0x20,
  0,
  0,
  0,
  0,
  ...Array<number>(167).fill(0xff),
]);

describe('countKeyframes', () => {
  it('counts access units whose first slice is IDR, across packets and past a PAT', () => {
    const ts = [...pat, ...pes(idr()), ...pes(predicted()), ...pes(predicted(10)), ...pat, ...pes(idr(2000))];
    expect(ts.length % 188).toBe(0);
    expect(countKeyframes(Uint8Array.from(ts))).toBe(2);
  });

  it('finds the IDR slice after parameter sets and an SEI that fill whole packets', () => {
    const withSei = [...nal(0x06, 400), ...idr(100)];
    expect(countKeyframes(Uint8Array.from(pes(withSei)))).toBe(1);
    expect(countKeyframes(Uint8Array.from(pes([...nal(0x06, 400), ...predicted()])))).toBe(0);
  });

  it('counts a file cut short up to its last whole packet', () => {
    const ts = [...pes(idr()), ...pes(predicted()), ...pes(idr())];
    const firstIdrOnly = pes(idr()).length + pes(predicted()).length;
    expect(countKeyframes(Uint8Array.from(ts.slice(0, firstIdrOnly + 100)))).toBe(1);
    expect(countKeyframes(Uint8Array.from(ts.slice(0, firstIdrOnly + 188 + 5)))).toBe(2);
    expect(countKeyframes(new Uint8Array(0))).toBe(0);
  });

  it('stops at a packet without the sync byte', () => {
    const ts = [...pes(idr()), ...Array<number>(188).fill(0), ...pes(idr())];
    expect(countKeyframes(Uint8Array.from(ts))).toBe(1);
  });
});
