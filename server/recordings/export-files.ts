/**
 * Where an export's bytes live on the vault. While it runs, only in `<vault>/.exports/` (outside `files/`, so the
 * file manager never lists half a file): the MP4 as `<id>.mp4.partial` and mp4mux's pictures-in-waiting as
 * `<id>.mdat`. Once whole, the MP4 is fsynced and linked into `files/Exports/` under a name that is free
 * (finalizeUpload, the same step an upload ends with: guarded against a swapped-in symlink, never replacing
 * anything), and the folder is fsynced. Whatever is left in `.exports/` after a crash goes at the next unlock.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';
import type { FileEntry } from '../files/file-entry.js';
import { numbered, type FilesService } from '../files/files.service.js';
import { finalizeUpload } from '../files/uploads/finalize-upload.js';
import { toApiPath } from '../files/path-safety.js';
import type { VaultGuard } from '../vault/vault-guard.js';
import { EXPORTS_FOLDER } from './export-names.js';

/** The vault folder exports are written in before they are whole. */
export const EXPORT_WORK_DIR = '.exports';
/** The highest " (n)" tried before an export gives up with ALREADY_EXISTS. */
const MAX_NUMBERED = 10_000;

const hasCode = (error: unknown, ...codes: string[]) =>
  error instanceof AppError && codes.includes(error.code);

export const exportsNotAFolder = () =>
  new AppError(
    'EXPORTS_NOT_A_FOLDER',
    409,
    `Exports go into the folder ${EXPORTS_FOLDER.slice(1)} in Files, and something else has that name. Rename it first.`,
  );

/** An export's two working files. */
export function workFiles(mountPoint: string, id: string): { partial: string; mdat: string } {
  const dir = path.join(mountPoint, EXPORT_WORK_DIR);
  return { partial: path.join(dir, `${id}.mp4.partial`), mdat: path.join(dir, `${id}.mdat`) };
}

/** Makes `<vault>/.exports/` (through the guard) and returns it. */
export async function workDir(guard: VaultGuard, mountPoint: string): Promise<string> {
  const dir = path.join(mountPoint, EXPORT_WORK_DIR);
  await guard.assertWritable(dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Removes what exports no longer running left in `.exports/` (a crash, a kill); returns how many. */
export async function sweepWorkDir(
  guard: VaultGuard,
  mountPoint: string,
  running: ReadonlySet<string>,
): Promise<number> {
  const dir = path.join(mountPoint, EXPORT_WORK_DIR);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names) {
    if (running.has(name.split('.')[0] ?? '')) continue;
    await guard.assertWritable(path.join(dir, name));
    await rm(path.join(dir, name), { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}

/** `files/Exports/`, made when it is not there yet; EXPORTS_NOT_A_FOLDER when a file has its name. */
export async function ensureExportsFolder(files: FilesService): Promise<void> {
  const found = await (await files.unlocked()).resolve(EXPORTS_FOLDER, { mustExist: false });
  if (found.stat?.isDirectory() === true) return;
  if (found.stat !== null) throw exportsNotAFolder();
  try {
    await files.mkdir(EXPORTS_FOLDER);
  } catch (error) {
    // Made by someone else in between: fine, as long as it is a folder.
    if (!hasCode(error, 'ALREADY_EXISTS')) throw error;
    const again = await files.root.resolve(EXPORTS_FOLDER, { mustExist: true });
    if (again.stat?.isDirectory() !== true) throw exportsNotAFolder();
  }
}

/** The API path of `name` in the exports folder. */
export const exportPath = (name: string) => toApiPath([EXPORTS_FOLDER.slice(1), name]);

/**
 * The first of `base`, `base (2)`, … that is free in the exports folder now and not `taken` by another export
 * under way. A name that is a symlink planted by hand counts as taken.
 */
export async function freeName(
  files: FilesService,
  base: string,
  taken: (name: string) => boolean,
): Promise<string> {
  for (let n = 1; n <= MAX_NUMBERED; n++) {
    const name = n === 1 ? base : numbered(base, n);
    if (taken(name)) continue;
    try {
      const found = await files.root.resolve(exportPath(name), { mustExist: false });
      if (found.stat === null) return name;
    } catch (error) {
      if (!hasCode(error, 'SYMLINK_REFUSED')) throw error;
    }
  }
  throw new AppError('ALREADY_EXISTS', 409, 'Every name for this export is taken.');
}

/**
 * Moves the whole MP4 into the exports folder under `name`, or the next free " (n)" after it when that was taken
 * meanwhile; returns the entry as the file manager shows it.
 */
export async function placeExport(
  files: FilesService,
  partial: string,
  base: string,
  name: string,
  taken: (name: string) => boolean,
): Promise<FileEntry & { path: string }> {
  await ensureExportsFolder(files);
  let candidate = name;
  for (let tries = 0; tries < MAX_NUMBERED; tries++) {
    try {
      return await finalizeUpload(files, partial, {
        folder: EXPORTS_FOLDER,
        name: candidate,
        conflict: 'fail',
      });
    } catch (error) {
      if (!hasCode(error, 'ALREADY_EXISTS', 'SYMLINK_REFUSED')) throw error;
    }
    candidate = await freeName(files, base, (other) => other === candidate || taken(other));
  }
  throw new AppError('ALREADY_EXISTS', 409, 'Every name for this export is taken.');
}
