import { AppError, validationFailed } from '../../errors.js';
import type { FileEntry } from '../file-entry.js';
import { parseRootName, type FileRootName } from '../file-roots.js';
import type { FilesService } from '../files.service.js';
import { parseApiPath, safeBaseName, toApiPath, type ResolvedPath } from '../path-safety.js';

/** What a finished upload does when its name is taken: "name (2).ext" (default), replace it, or refuse (409). */
export type ConflictPolicy = 'rename' | 'overwrite' | 'fail';
export const CONFLICT_POLICIES: readonly ConflictPolicy[] = ['rename', 'overwrite', 'fail'];

/** Where a finished upload goes: a folder (API path), a safe base name in it, and the conflict policy. */
export interface UploadTarget {
  folder: string;
  name: string;
  conflict: ConflictPolicy;
}

/** One stored upload, as the API answers it. */
export type UploadedEntry = FileEntry & { path: string };

export const notAFolder = () =>
  new AppError('NOT_A_FOLDER', 400, 'Uploads go into a folder; that is a file.');
export const alreadyExists = () =>
  new AppError('ALREADY_EXISTS', 409, 'Something with that name is already there.');
export const payloadTooLarge = (maxBytes: number) =>
  new AppError('PAYLOAD_TOO_LARGE', 413, `Uploads are at most ${maxBytes} bytes.`);

export function parseConflict(value: string | null | undefined): ConflictPolicy {
  if (value === undefined || value === null || value === '') return 'rename';
  const policy = CONFLICT_POLICIES.find((p) => p === value);
  if (policy === undefined) throw validationFailed('conflict must be rename, overwrite or fail.');
  return policy;
}

/**
 * The folder an upload goes into: in `files/` (READ_ONLY for another root), existing, a real folder inside the
 * files root, and the vault is open.
 */
export async function uploadFolder(
  files: FilesService,
  apiPath: string,
  root: FileRootName = 'files',
): Promise<ResolvedPath> {
  const folder = await (await files.changeable(root)).resolve(apiPath, { mustExist: true });
  if (folder.stat?.isDirectory() !== true) throw notAFolder();
  return folder;
}

/**
 * Judges a client's upload before any byte is stored (tus metadata at creation, a multipart part's name) and
 * again at finalisation: the name reduced to a safe base name, the folder resolved through path-safety, the
 * whole path within the limits, and a taken name refused up front when the policy would refuse it anyway.
 */
export async function resolveUploadTarget(
  files: FilesService,
  input: {
    filename?: string | null | undefined;
    path?: string | null | undefined;
    conflict?: string | null | undefined;
    /** The place the folder is in; only `files` (the default) takes uploads. */
    root?: string | null | undefined;
  },
): Promise<UploadTarget> {
  const root = parseRootName(input.root);
  if (input.filename === undefined || input.filename === null || input.filename === '') {
    throw validationFailed('An upload needs a filename.');
  }
  const name = safeBaseName(input.filename);
  const conflict = parseConflict(input.conflict);
  const folder = await uploadFolder(files, input.path ?? '/', root);
  const target = toApiPath([...folder.segments, name]);
  parseApiPath(target); // the joined path must fit MAX_PATH_BYTES too
  if (conflict !== 'rename') {
    const existing = await files.root.resolve(target, { mustExist: false });
    if (existing.stat !== null && (conflict === 'fail' || !existing.stat.isFile())) throw alreadyExists();
  }
  return { folder: folder.api, name, conflict };
}
