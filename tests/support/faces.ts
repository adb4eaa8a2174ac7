/** Face reports as the inference worker sends them, for tests that drive the server without the worker. */
import jpeg from 'jpeg-js';
import type { FaceReport, NormalBox } from '../../inference/protocol.js';

/** A deterministic pseudo-random generator (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const unit = (values: number[]) => {
  const norm = Math.sqrt(values.reduce((n, v) => n + v * v, 0));
  return values.map((v) => v / norm);
};

/** A unit-length 1024-value descriptor: different seeds are different people (similarity near 0). */
export function descriptor(seed: number): number[] {
  const random = seeded(seed);
  return unit(Array.from({ length: 1024 }, () => random() - 0.5));
}

/** The same person seen again: `base` with a little noise (similarity above 0.99). */
export function lookAlike(base: readonly number[], seed: number): number[] {
  const random = seeded(seed);
  return unit(base.map((v) => v + (random() - 0.5) * 0.01));
}

export const dot = (a: readonly number[], b: readonly number[]) =>
  a.reduce((n, v, i) => n + v * (b[i] ?? 0), 0);

/** A small grey JPEG with a shade per face, as the worker's crops are. */
export function cropJpeg(shade: number, side = 48): Uint8Array {
  const data = Buffer.alloc(side * side * 4, shade);
  return new Uint8Array(jpeg.encode({ data, width: side, height: side }, 85).data);
}

export function faceReport(seedOrDescriptor: number | number[], extra: Partial<FaceReport> = {}): FaceReport {
  const values = typeof seedOrDescriptor === 'number' ? descriptor(seedOrDescriptor) : seedOrDescriptor;
  const box: NormalBox = { x: 0.4, y: 0.1, width: 0.1, height: 0.15 };
  return {
    faceId: null,
    name: null,
    similarity: 0.1,
    descriptor: values,
    box,
    crop: cropJpeg(100),
    ...extra,
  };
}
