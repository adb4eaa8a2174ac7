// The places the Files page shows: the vault's files (everyone reads, editors and admins change) and its
// recordings (everyone reads, nobody changes: retention removes them). The address names the place
// (?root=recordings; files is the default and is left out) beside the folder (?path=).
import type { FileRootName } from '../api/types';
import { breadcrumbs, normalizePath, pathSegments, ROOT, type Crumb } from './file-paths';

/** What each place is called on screen (tabs, the first breadcrumb). */
export const ROOT_LABELS: Readonly<Record<FileRootName, string>> = {
  files: 'Files',
  recordings: 'Recordings',
};

/** A value from the address bar as a place; anything else is files. */
export function rootFromQuery(value: unknown): FileRootName {
  const raw = Array.isArray(value) ? (value[0] as unknown) : value;
  return raw === 'recordings' ? 'recordings' : 'files';
}

/** The query of the Files page showing `path` in `root`, with the defaults left out. */
export function filesQuery(root: FileRootName, path: string): Record<string, string> {
  const folder = normalizePath(path);
  return {
    ...(root === 'files' ? {} : { root }),
    ...(folder === ROOT ? {} : { path: folder }),
  };
}

/** Whether the file manager may change anything in `root`; the server refuses the rest (READ_ONLY) too. */
export function isWritableRoot(root: FileRootName): boolean {
  return root === 'files';
}

/**
 * What the entry `name` in `folder` is called on screen: in recordings, the top folders are camera ids
 * (recordings/<camera>/<day>/), shown by the camera's name while it exists; everything else by its own name.
 */
export function entryLabel(
  root: FileRootName,
  folder: string,
  name: string,
  cameraNames: ReadonlyMap<number, string>,
): string {
  if (root !== 'recordings' || normalizePath(folder) !== ROOT || !/^\d+$/.test(name)) return name;
  return cameraNames.get(Number(name)) ?? name;
}

/** The crumbs from the place's top down to `path`, named as the listing names them. */
export function rootCrumbs(
  root: FileRootName,
  path: string,
  cameraNames: ReadonlyMap<number, string>,
): Crumb[] {
  const crumbs = breadcrumbs(path, ROOT_LABELS[root]);
  const [top, first, ...rest] = crumbs;
  if (top === undefined || first === undefined) return crumbs;
  const firstName = pathSegments(path)[0] ?? '';
  return [top, { ...first, label: entryLabel(root, ROOT, firstName, cameraNames) }, ...rest];
}
