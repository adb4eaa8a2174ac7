import type { Stats } from 'node:fs';
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';
import { MAX_NAME_BYTES, MAX_PATH_BYTES } from './path-limits.js';

/**
 * The one module every file route, and every name arriving in a body, tus metadata or a multipart part, goes
 * through. API paths are written from the files root with a leading `/` (`/` is the root itself). Nothing is
 * ever followed through a symlink: Vigil never makes one, and one planted by hand is refused, not followed.
 */

export { MAX_NAME_BYTES, MAX_PATH_BYTES };

export const invalidPath = (message: string) => new AppError('INVALID_PATH', 400, message);
export const invalidName = (message: string) => new AppError('INVALID_NAME', 400, message);
export const symlinkRefused = () =>
  new AppError('SYMLINK_REFUSED', 400, 'That path goes through a symbolic link, which Vigil never follows.');
export const fileNotFound = () => new AppError('NOT_FOUND', 404, 'No such file or folder.');

// C0/C1 controls, DEL, and the bidirectional overrides that make "gpj.exe" look like "exe.jpg".
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FORBIDDEN_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/u;
const FORBIDDEN_CHARACTERS_ALL = new RegExp(FORBIDDEN_CHARACTERS.source, 'gu');
// Characters that become separators or dots once some other program normalises the name (NFKC), or on Windows.
const SEPARATOR_LOOKALIKES = /[\\/\u2215\u2044\u29f8\uff0f\uff3c\ufe68]/u;
// A drive letter ("C:") or a URL scheme another program would act on; "Notes: 2026" stays a fine name.
const DRIVE_OR_SCHEME = /^(?:[A-Za-z]:|(?:file|https?|ftp|data|javascript|vbscript|smb|nfs|ssh):)/i;

/** Decodes percent-escapes up to three times, so `%252e%252e` is judged as `..` (never used as the name). */
function decodedForms(name: string): string[] {
  const forms = [name];
  let current = name;
  for (let i = 0; i < 3 && /%[0-9A-Fa-f]{2}/.test(current); i++) {
    try {
      current = decodeURIComponent(current);
    } catch {
      break; // a lone % is just a character
    }
    forms.push(current);
  }
  return forms.flatMap((form) => [form, form.normalize('NFKC')]);
}

/** Why `name` cannot be one entry's name, or null. Judged as written and as any later decoding would read it. */
function nameProblem(name: string): string | null {
  if (name === '') return 'A name cannot be empty.';
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return `Names are at most ${MAX_NAME_BYTES} bytes.`;
  if (name !== name.normalize('NFC')) return 'Names must be in Unicode normal form (NFC).';
  for (const form of decodedForms(name)) {
    if (form === '.' || form === '..') return 'Names cannot be "." or "..".';
    if (FORBIDDEN_CHARACTERS.test(form))
      return 'Names cannot contain control or direction-override characters.';
    if (SEPARATOR_LOOKALIKES.test(form)) return 'Names cannot contain slashes, backslashes or look-alikes.';
    if (/[. ]$/.test(form)) return 'Names cannot end with a dot or a space.';
    if (/^\s/.test(form)) return 'Names cannot start with a space.';
    if (form.startsWith('~')) return 'Names cannot start with "~".';
    if (DRIVE_OR_SCHEME.test(form))
      return 'Names cannot look like a drive letter or a URL scheme ("C:", "file:").';
  }
  return null;
}

/** Throws INVALID_NAME unless `name` is acceptable as one entry's name (new folder, rename, upload). */
export function assertSafeName(name: string): string {
  const problem = nameProblem(name);
  if (problem !== null) throw invalidName(problem);
  return name;
}

/** True when `name` is acceptable as one entry's name (for filtering, where refusing is not the answer). */
export function isSafeName(name: string): boolean {
  return nameProblem(name) === null;
}

/** The segments of an API path (`/` → []); throws INVALID_PATH for anything that is not plainly one. */
export function parseApiPath(input: string): string[] {
  if (typeof input !== 'string' || !input.startsWith('/')) throw invalidPath('Paths start with "/".');
  if (Buffer.byteLength(input, 'utf8') > MAX_PATH_BYTES) throw invalidPath('That path is too long.');
  if (input === '/') return [];
  if (input.includes('//')) throw invalidPath('Paths cannot contain "//".');
  const body = input.endsWith('/') ? input.slice(1, -1) : input.slice(1);
  const segments = body.split('/');
  for (const segment of segments) {
    const problem = nameProblem(segment);
    if (problem !== null) throw invalidPath(problem);
  }
  return segments;
}

export function toApiPath(segments: readonly string[]): string {
  return `/${segments.join('/')}`;
}

/**
 * A client's file name (multipart part, tus `filename`) reduced to a safe base name: the part after the last
 * slash or backslash, control characters dropped, trailing dots and spaces trimmed. Throws INVALID_NAME when
 * nothing acceptable is left (e.g. `..`).
 */
export function safeBaseName(filename: string): string {
  const base = (filename.split(/[\\/]/).pop() ?? '')
    .replace(FORBIDDEN_CHARACTERS_ALL, '')
    .normalize('NFC')
    .replace(/^[\s~]+/, '')
    .replace(/[. ]+$/, '');
  return assertSafeName(base);
}

/** A path resolved inside the files root: its API form, absolute form, and lstat (null if it does not exist). */
export interface ResolvedPath {
  api: string;
  segments: string[];
  abs: string;
  stat: Stats | null;
}

/** Test hook: runs after a path was resolved and before the operation on it, to swap a component deterministically. */
export type RaceHook = (resolved: ResolvedPath, operation: string) => Promise<void> | void;

/** Resolves API paths under one root, component by component with lstat, refusing every symlink. */
export class FilesRoot {
  /** Tests set this to act between resolution and operation (e.g. replace a folder with a symlink). */
  raceHook: RaceHook | null = null;

  constructor(readonly root: string) {}

  /**
   * `mustExist`: NOT_FOUND unless the path exists. Otherwise every component but the last must exist and be a
   * folder. Symlinks anywhere (the last component included) are refused.
   */
  async resolve(apiPath: string, options: { mustExist: boolean }): Promise<ResolvedPath> {
    const segments = parseApiPath(apiPath);
    let current = this.root;
    let stat: Stats | null = lstatOrNull(current);
    if (stat === null || !stat.isDirectory() || stat.isSymbolicLink()) throw fileNotFound();
    for (const [index, segment] of segments.entries()) {
      current = path.join(current, segment);
      stat = lstatOrNull(current);
      const last = index === segments.length - 1;
      if (stat === null) {
        if (last && !options.mustExist) break;
        throw fileNotFound();
      }
      if (stat.isSymbolicLink()) throw symlinkRefused();
      if (!last && !stat.isDirectory()) throw invalidPath('A part of that path is a file, not a folder.');
    }
    return { api: toApiPath(segments), segments, abs: current, stat };
  }

  /** Resolves the parent folder of a path; it must exist and be a folder. */
  async resolveParent(resolved: ResolvedPath): Promise<ResolvedPath> {
    const parent = await this.resolve(toApiPath(resolved.segments.slice(0, -1)), { mustExist: true });
    if (parent.stat?.isDirectory() !== true) throw invalidPath('That folder does not exist.');
    return parent;
  }

  /** Calls the test hook, if any, between resolving and operating. */
  async beforeOperation(resolved: ResolvedPath, operation: string): Promise<void> {
    await this.raceHook?.(resolved, operation);
  }

  /**
   * After an operation that a swapped-in symlink could have redirected: true when every component of `resolved`'s
   * parent chain is still a real folder inside the root (the caller undoes its work when false).
   */
  async chainIsIntact(resolved: ResolvedPath): Promise<boolean> {
    let current = this.root;
    for (const segment of resolved.segments.slice(0, -1)) {
      current = path.join(current, segment);
      const stat = lstatOrNull(current);
      if (stat === null || stat.isSymbolicLink() || !stat.isDirectory()) return false;
    }
    return true;
  }

  /** The absolute path of an API path, without touching the disk (for building targets). */
  absolute(segments: readonly string[]): string {
    return path.join(this.root, ...segments);
  }
}

/**
 * Synchronous on purpose: a metadata lookup on a local disk takes microseconds, while each trip through libuv's
 * thread pool costs far more, and listings are the busiest route (measured in bench:files).
 */
function lstatOrNull(target: string): Stats | null {
  try {
    return lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    if ((error as NodeJS.ErrnoException).code === 'ENAMETOOLONG') throw invalidPath('That path is too long.');
    throw error;
  }
}
