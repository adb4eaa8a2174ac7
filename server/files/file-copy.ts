import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, lstat, mkdir, open, readdir, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors.js';

/** A name no listing shows for long: where a copy is written before it is renamed into place. */
export const partialName = (name: string) =>
  `.vigil-partial-${randomBytes(6).toString('hex')}-${name}`.slice(0, 255);

export interface CopyProgress {
  (bytes: number): void;
}

/** Turns an fs error into an API error (disk full is 507, not 500); anything else is rethrown as is. */
export function storageError(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError('INSUFFICIENT_STORAGE', 507, 'The vault is full.', { cause: error });
  }
  if (code === 'EEXIST' || code === 'ENOTEMPTY') {
    return new AppError('ALREADY_EXISTS', 409, 'Something with that name is already there.', {
      cause: error,
    });
  }
  return error;
}

/** Flushes a file or folder to the disk, so a rename after it never exposes data that is not there yet. */
export async function fsyncPath(target: string): Promise<void> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Copies one regular file to `target` (which must not exist): into a partial name beside it, fsynced, its size
 * checked against the source, then renamed into place. A failure leaves nothing behind.
 */
export async function copyFile(source: string, target: string, progress?: CopyProgress): Promise<number> {
  const expected = (await lstat(source)).size;
  const partial = path.join(path.dirname(target), partialName(path.basename(target)));
  try {
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        progress?.(chunk.length);
        done(null, chunk);
      },
    });
    await pipeline(createReadStream(source), count, createWriteStream(partial, { flags: 'wx' }));
    await fsyncPath(partial);
    const written = (await lstat(partial)).size;
    if (written !== expected) {
      throw new AppError(
        'COPY_MISMATCH',
        500,
        `Copied ${written} bytes of ${expected}; the copy was removed.`,
      );
    }
    // rename() would replace a file that appeared meanwhile; link() refuses one (EEXIST), atomically.
    await link(partial, target);
    await unlink(partial);
    return written;
  } catch (error) {
    await unlink(partial).catch(() => undefined);
    throw storageError(error);
  }
}

/** Copies a file or a folder tree (never following symlinks: they are skipped). Undoes a half-copied tree. */
export async function copyTree(source: string, target: string, progress?: CopyProgress): Promise<void> {
  const stat = await lstat(source);
  if (stat.isSymbolicLink()) return;
  if (stat.isFile()) {
    await copyFile(source, target, progress);
    return;
  }
  if (!stat.isDirectory()) return;
  await mkdir(target).catch((error: unknown) => {
    throw storageError(error);
  });
  try {
    for (const entry of await readdir(source)) {
      await copyTree(path.join(source, entry), path.join(target, entry), progress);
    }
    await fsyncPath(target);
  } catch (error) {
    await rm(target, { recursive: true, force: true });
    throw error;
  }
}

/** Total bytes of regular files under a path (symlinks not followed), for progress. */
export async function treeSize(source: string): Promise<number> {
  const stat = await lstat(source);
  if (stat.isFile()) return stat.size;
  if (!stat.isDirectory()) return 0;
  let total = 0;
  for (const entry of await readdir(source)) total += await treeSize(path.join(source, entry));
  return total;
}
