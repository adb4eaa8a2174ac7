import { AppError, validationFailed } from '../errors.js';
import { FILE_ROOTS, type FileRootName } from './files.schemas.js';

export { FILE_ROOTS, type FileRootName };

/**
 * The places the file manager shows, each a folder of the vault: `files` (everyone reads, editors change) and
 * `recordings` (everyone reads, nobody changes: the recorder writes it and retention empties it, and its index in
 * vault.db would point at files that moved). Every file route takes the place beside its paths (`root`, default
 * `files`); a change aimed at a read-only place is refused before any path is resolved.
 */
export const readOnlyRoot = () =>
  new AppError(
    'READ_ONLY',
    403,
    'Recordings are managed by retention; the file manager can only browse and download them.',
  );

/** Throws READ_ONLY unless the file manager may change things in `root`. */
export function assertWritableRoot(root: FileRootName): void {
  if (root !== 'files') throw readOnlyRoot();
}

/** A root named in a place the schemas do not reach (tus metadata); absent means `files`. */
export function parseRootName(value: string | null | undefined): FileRootName {
  if (value === undefined || value === null || value === '') return 'files';
  const root = FILE_ROOTS.find((name) => name === value);
  if (root === undefined) throw validationFailed('root must be files or recordings.');
  return root;
}

/**
 * Names a listing or a zip leaves out: uploads being assembled in `files/`, and in `recordings/` a segment the
 * recorder is still writing beside its final name (writeFileDurably's `<name>.<uuid>.partial`).
 */
export function isHiddenEntry(root: FileRootName, name: string): boolean {
  if (name.startsWith('.vigil-partial-')) return true;
  return root === 'recordings' && name.endsWith('.partial');
}
