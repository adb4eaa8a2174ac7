/**
 * Opening a segment's file from the path its index row holds. The row is data, not trust: vault.db could be
 * edited by hand or restored from elsewhere, so a path that leaves `recordings/`, or reaches its file through a
 * symlink, must never serve some other file (vigil.db is one `..` away from the development vault). And what
 * the reconcile passes share: the walk over the day folders and the removal of interrupted writes.
 */
import { constants, lstatSync, type Stats } from 'node:fs';
import { open, readdir, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { VaultGuard } from '../vault/vault-guard.js';

/** The folder under the vault root that every segment lives in. */
export const RECORDINGS_DIR = 'recordings';

/**
 * The components of a stored path below the vault root, or null unless it plainly names something inside
 * `recordings/`: relative, '/'-separated, no empty, `.` or `..` component, no backslash or NUL.
 */
export function recordingPathSegments(stored: string): string[] | null {
  if (stored.includes('\0') || stored.includes('\\') || stored.startsWith('/')) return null;
  const segments = stored.split('/');
  if (segments.length < 2 || segments[0] !== RECORDINGS_DIR) return null;
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) return null;
  return segments;
}

function lstatOrNull(target: string): Stats | null {
  try {
    return lstatSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/**
 * Opens the segment for reading, or returns null when the path is refused or nothing regular is there. Every
 * component is lstat'ed (no symlink anywhere below the vault root), the last one is opened with O_NOFOLLOW, and
 * the open file must be the one the walk found: a folder swapped for a symlink in between is caught too.
 */
export async function openRecordingFile(
  vaultRoot: string,
  stored: string,
): Promise<{ file: FileHandle; size: number } | null> {
  const segments = recordingPathSegments(stored);
  if (segments === null) return null;
  let current = vaultRoot;
  let stat: Stats | null = null;
  for (const [index, segment] of segments.entries()) {
    current = path.join(current, segment);
    stat = lstatOrNull(current);
    if (stat === null || stat.isSymbolicLink()) return null;
    const last = index === segments.length - 1;
    if (last ? !stat.isFile() : !stat.isDirectory()) return null;
  }
  if (stat === null) return null;
  let file: FileHandle;
  try {
    file = await open(current, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    // Gone, or turned into a symlink (ELOOP), since the walk: refused like any other missing file.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') return null;
    throw error;
  }
  const opened = await file.stat().catch(async (error: unknown) => {
    await file.close();
    throw error;
  });
  if (opened.dev !== stat.dev || opened.ino !== stat.ino || !opened.isFile()) {
    await file.close();
    return null;
  }
  return { file, size: opened.size };
}

/** A folder's names, or none when it is not there (a camera or day without footage). */
async function namesIn(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/**
 * Every day folder of every camera under the vault's recordings/ (camera folders are numbers), with the names
 * in it, or in its `sub` folder (thumbs/): what the reconcile passes walk.
 */
export async function* recordingDayFolders(
  mountPoint: string,
  sub?: string,
): AsyncGenerator<{ camera: string; day: string; names: string[] }> {
  const root = path.join(mountPoint, RECORDINGS_DIR);
  for (const camera of await namesIn(root)) {
    if (!/^\d+$/.test(camera)) continue;
    for (const day of await namesIn(path.join(root, camera)))
      yield { camera, day, names: await namesIn(path.join(root, camera, day, ...(sub ? [sub] : []))) };
  }
}

/**
 * Removes `file` (through the vault's write guard) when `name` is a `.partial` an interrupted copy or write left
 * behind; returns whether it was one.
 */
export async function removeLeftoverPartial(name: string, file: string, guard: VaultGuard): Promise<boolean> {
  if (!name.endsWith('.partial')) return false;
  await guard.assertWritable(file);
  await rm(file, { force: true });
  return true;
}
