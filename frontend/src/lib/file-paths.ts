// API paths of the file manager: written from the files root with a leading "/" ("/" is the root itself), "/"
// between names and never at the end. The server checks every path again (path-safety); these helpers only
// build and take apart paths the UI shows and sends.

/** The files root. */
export const ROOT = '/';

/** Longest name of one entry, in UTF-8 bytes (the server's and ext4's limit). */
export const MAX_NAME_BYTES = 255;

/** `path` in the one form the UI uses: leading "/", no trailing or doubled "/", no empty segments. */
export function normalizePath(path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '');
  return segments.length === 0 ? ROOT : `/${segments.join('/')}`;
}

/** The names along `path`, root excluded: "/a/b" → ["a", "b"]. */
export function pathSegments(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

/** `name` inside `folder`. */
export function joinPath(folder: string, name: string): string {
  const base = normalizePath(folder);
  return base === ROOT ? `/${name}` : `${base}/${name}`;
}

/** The folder holding `path`; the root is its own parent. */
export function parentPath(path: string): string {
  const segments = pathSegments(path);
  return segments.length <= 1 ? ROOT : `/${segments.slice(0, -1).join('/')}`;
}

/** The last name of `path`; "" for the root. */
export function baseName(path: string): string {
  return pathSegments(path).at(-1) ?? '';
}

/** Whether `path` is `folder` itself or somewhere below it. */
export function isSameOrInside(path: string, folder: string): boolean {
  const inner = normalizePath(path);
  const outer = normalizePath(folder);
  return outer === ROOT || inner === outer || inner.startsWith(`${outer}/`);
}

export interface Crumb {
  /** What the crumb shows: the folder's name, or "Files" for the root. */
  label: string;
  path: string;
}

/** One crumb per folder from the root down to `path`; the last one is where the user is. */
export function breadcrumbs(path: string, rootLabel = 'Files'): Crumb[] {
  const crumbs: Crumb[] = [{ label: rootLabel, path: ROOT }];
  let current = ROOT;
  for (const segment of pathSegments(path)) {
    current = joinPath(current, segment);
    crumbs.push({ label: segment, path: current });
  }
  return crumbs;
}

/**
 * Why `name` cannot be a new folder's or a renamed entry's name, or null. The common mistakes only, to answer
 * as the user types; the server has the final word (and stricter rules, such as look-alike slashes).
 */
export function nameProblem(name: string): string | null {
  if (name.trim() === '') return 'Enter a name.';
  if (name === '.' || name === '..') return 'A name cannot be "." or "..".';
  if (/[/\\]/.test(name)) return 'A name cannot contain "/" or "\\".';
  if (/^\s/.test(name)) return 'A name cannot start with a space.';
  if (/[. ]$/.test(name)) return 'A name cannot end with a dot or a space.';
  if (new TextEncoder().encode(name).length > MAX_NAME_BYTES) return 'That name is too long.';
  return null;
}

/** A value from the address bar as a folder path; anything unusable is the root. */
export function folderFromQuery(value: unknown): string {
  const raw = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof raw === 'string' && raw.startsWith('/') ? normalizePath(raw) : ROOT;
}
