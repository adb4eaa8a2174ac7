import { link, lstat, rename, unlink } from 'node:fs/promises';
import { AppError } from '../../errors.js';
import { fsyncPath, storageError } from '../file-copy.js';
import { entryOf } from '../file-entry.js';
import { numbered, type FilesService } from '../files.service.js';
import { toApiPath, type ResolvedPath } from '../path-safety.js';
import { alreadyExists, uploadFolder, type UploadedEntry, type UploadTarget } from './upload-target.js';

/** The highest "name (n).ext" tried before a rename-policy upload gives up with ALREADY_EXISTS. */
const MAX_NUMBERED = 10_000;

const hasCode = (error: unknown, code: string) => error instanceof AppError && error.code === code;

/**
 * Moves a complete partial file (under `<vault>/.uploads/`, so on the same volume) into its folder in one step:
 * fsync, then link() or rename() into place, then fsync the folder. The folder is resolved again (it may have
 * gone or been swapped for a symlink since the upload started), the write passes the vault's guard, and the
 * step runs under `files.guarded`, which undoes it if a swapped-in symlink redirected it. Only whole files ever
 * appear in the folder; on failure the partial is left where it was, for the caller to keep or remove.
 */
export async function finalizeUpload(
  files: FilesService,
  partial: string,
  target: UploadTarget,
): Promise<UploadedEntry> {
  const folder = await uploadFolder(files, target.folder);
  try {
    await fsyncPath(partial);
  } catch (error) {
    throw storageError(error);
  }
  for (let n = 1; n <= MAX_NUMBERED; n++) {
    const name = n === 1 ? target.name : numbered(target.name, n);
    let dest: ResolvedPath;
    try {
      dest = await files.root.resolve(toApiPath([...folder.segments, name]), { mustExist: false });
    } catch (error) {
      // A symlink planted by hand under that name: never replaced, but a renamed upload can go beside it.
      if (target.conflict === 'rename' && hasCode(error, 'SYMLINK_REFUSED')) continue;
      throw error;
    }
    if (dest.stat !== null) {
      if (target.conflict === 'rename') continue;
      if (target.conflict === 'fail' || !dest.stat.isFile()) throw alreadyExists();
    }
    await files.writable(dest.abs);
    try {
      await place(files, partial, dest, target.conflict === 'overwrite');
    } catch (error) {
      // Taken between the check and the link (another upload of the same name): try the next number.
      if (target.conflict === 'rename' && hasCode(error, 'ALREADY_EXISTS')) continue;
      throw error;
    }
    // The new entry survives a power cut only once its folder is on disk; the file itself already is.
    await fsyncPath(folder.abs).catch(() => undefined); // the file is in place either way; never report it lost
    return { path: dest.api, ...entryOf(name, await lstat(dest.abs)) };
  }
  throw alreadyExists();
}

async function place(files: FilesService, partial: string, dest: ResolvedPath, replace: boolean) {
  if (replace) {
    // rename() replaces an existing file atomically: readers see the old file or the new one, never a mix.
    await files.guarded(
      dest,
      'upload',
      () =>
        rename(partial, dest.abs).catch((error: unknown) => {
          // A folder appeared under that name since the check.
          if ((error as NodeJS.ErrnoException).code === 'EISDIR') throw alreadyExists();
          throw error;
        }),
      () => rename(dest.abs, partial),
    );
    return;
  }
  // link() refuses a name that appeared since the check (EEXIST → ALREADY_EXISTS), where rename() would
  // silently replace it; the partial is unlinked only once the file is safely in place.
  await files.guarded(
    dest,
    'upload',
    () => link(partial, dest.abs),
    () => unlink(dest.abs),
  );
  await unlink(partial).catch(() => undefined); // a leftover partial is removed by the expiry sweep
}
