/**
 * Face descriptors as vault.db keeps them (little-endian Float32 BLOBs) and as the worker sends them (plain
 * number arrays), the digest that recognises the same report across a track's updates, and their similarity.
 */
import { createHash } from 'node:crypto';

export const toBlob = (descriptor: readonly number[] | Float32Array): Buffer =>
  Buffer.from(Float32Array.from(descriptor).buffer);

/** Copied out: a Buffer from SQLite may sit at an offset a Float32Array view cannot start at. */
export const fromBlob = (blob: Buffer): Float32Array => new Float32Array(Uint8Array.from(blob).buffer);

/** 16 hex digits of the descriptor's SHA-256: the worker resends the same numbers for the same face. */
export const digestOf = (descriptor: readonly number[]): string =>
  createHash('sha256').update(toBlob(descriptor)).digest('hex').slice(0, 16);

/** Cosine similarity of two unit vectors (their dot product); 0 when their lengths differ. */
export function similarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

/** The name as compared for uniqueness: "Ana", "ANA" and "ana" are one person. */
export const nameKey = (name: string): string => name.normalize('NFKC').toLocaleLowerCase('en');
