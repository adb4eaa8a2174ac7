/**
 * Face descriptors as vault.db keeps them (little-endian Float32 BLOBs) and as the worker sends them (plain
 * number arrays), the digest that recognises the same report across a track's updates (matching is
 * inference/detect/similarity.ts, the worker's own).
 */
import { createHash } from 'node:crypto';

export const toBlob = (descriptor: readonly number[] | Float32Array): Buffer =>
  Buffer.from(Float32Array.from(descriptor).buffer);

/** Copied out: a Buffer from SQLite may sit at an offset a Float32Array view cannot start at. */
export const fromBlob = (blob: Buffer): Float32Array =>
  new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));

/** 16 hex digits of the descriptor's SHA-256: the worker resends the same numbers for the same face. */
export const digestOf = (descriptor: readonly number[]): string =>
  createHash('sha256').update(toBlob(descriptor)).digest('hex').slice(0, 16);

/** The name as compared for uniqueness: "Ana", "ANA" and "ana" are one person. */
export const nameKey = (name: string): string => name.normalize('NFKC').toLocaleLowerCase('en');
