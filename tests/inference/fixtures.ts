/** What the model tests share: the converted models (built fresh into a temporary folder), the source package's
 * sample pictures, and comparison helpers. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModels, sourcePackage } from '../../inference/convert/build-models.js';
import type { ModelManifest } from '../../inference/models/manifest.js';

export async function freshModels(): Promise<{ dir: string; manifests: ModelManifest[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-models-'));
  return { dir, manifests: await buildModels(dir, true) };
}

/** A picture shipped with the source package (`assets/`). */
export async function samplePicture(name: string): Promise<string> {
  return join((await sourcePackage()).dir, 'assets', name);
}

/** The source graph's model.json. */
export async function sourceGraph(file: string): Promise<string> {
  return join((await sourcePackage()).dir, file);
}

/** A deterministic pseudo-random generator (mulberry32), so a failing input can be reproduced. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The largest disagreement between two outputs, as a multiple of the allowed one: 1e-3 absolute, and 1e-3 of
 * the value for values beyond ±1 (box sizes in pixels reach ~400, where float32 rounding alone differs by
 * ~2.7e-3 between TensorFlow.js's own cpu and wasm backends). ≤ 1 passes.
 */
export function worstError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const allowed = 1e-3 * Math.max(1, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / allowed);
  }
  return worst;
}

/**
 * CenterNet's decoded rows ([x0, y0, x1, y1, score, class] × 100, sorted by score) compared as the graph
 * defines them: scores in order, and each row matched to a row of equal score (TopK orders ties as it likes),
 * except rows tied with the 100th score, which either side may have cut differently.
 */
export function detectionRowsError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  const rows = (data: ArrayLike<number>) =>
    Array.from({ length: data.length / 6 }, (_, r) => Array.from({ length: 6 }, (_, k) => data[r * 6 + k]!));
  const a = rows(actual);
  const e = rows(expected);
  let worst = worstError(
    a.map((r) => r[4]!),
    e.map((r) => r[4]!),
  );
  const cutoff = e.at(-1)![4]!;
  const unmatched = new Set(a.keys());
  for (const row of e) {
    if (Math.abs(row[4]! - cutoff) < 1e-6) continue;
    let best = Infinity;
    let bestIndex = -1;
    for (const index of unmatched) {
      if (Math.abs(a[index]![4]! - row[4]!) > 1e-5) continue;
      const error = worstError(a[index]!, row);
      if (error < best) [best, bestIndex] = [error, index];
    }
    unmatched.delete(bestIndex);
    worst = Math.max(worst, best);
  }
  return worst;
}
