import type { Stats } from 'node:fs';
import { lookup } from 'mime-types';

/** One row of a listing, as the API answers it. */
export interface FileEntry {
  name: string;
  /** `other` is anything that is neither (a symlink planted by hand, a device node): shown, never followed. */
  type: 'file' | 'dir' | 'other';
  size: number;
  mtime: string;
  mime: string | null;
}

export function entryOf(name: string, stat: Stats): FileEntry {
  const type = stat.isSymbolicLink()
    ? 'other'
    : stat.isDirectory()
      ? 'dir'
      : stat.isFile()
        ? 'file'
        : 'other';
  return {
    name,
    type,
    size: type === 'file' ? stat.size : 0,
    mtime: stat.mtime.toISOString(),
    mime: type === 'file' ? mimeOf(name) : null,
  };
}

export function mimeOf(name: string): string | null {
  const found = lookup(name);
  return found === false ? null : found;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Folders first, then by name as people sort them ("file 2" before "file 10"). */
export function compareEntries(a: FileEntry, b: FileEntry): number {
  if ((a.type === 'dir') !== (b.type === 'dir')) return a.type === 'dir' ? -1 : 1;
  return collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
