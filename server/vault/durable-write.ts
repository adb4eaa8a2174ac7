/**
 * One small file (a snapshot, a face crop) written onto the vault so that its final name never holds half a file:
 * checked by the write guard, written beside its final name, fsynced, renamed into place. A failure removes the
 * partial file.
 */
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { VaultGuard } from './vault-guard.js';

export async function writeFileDurably(guard: VaultGuard, target: string, bytes: Uint8Array): Promise<void> {
  await guard.assertWritable(target);
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.${randomUUID()}.partial`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, target).catch(async (error: unknown) => {
    await rm(temporary, { force: true });
    throw error;
  });
}

/**
 * A file (a recorded segment in the RAM cache) copied onto the vault the same way: checked, copied beside its
 * final name, fsynced, renamed into place. The kernel copies (copy_file_range or sendfile through libuv), so no
 * segment passes through the server's heap: reading each into a Buffer cost the server a third of its recording
 * CPU in bench:record, most of it in the garbage collector's threads.
 */
export async function copyFileDurably(guard: VaultGuard, source: string, target: string): Promise<void> {
  await guard.assertWritable(target);
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.${randomUUID()}.partial`;
  try {
    await copyFile(source, temporary, constants.COPYFILE_EXCL);
    const handle = await open(temporary, 'r+');
    try {
      await handle.chmod(0o600); // copyFile gives the copy the source's mode; the vault's files are the owner's
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The day folder (YYYY-MM-DD, UTC) an item made at `at` goes in: snapshots/<camera>/<day>/, recordings/<camera>/<day>/. */
export function dayFolder(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
