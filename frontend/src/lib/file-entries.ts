// How listed entries are ordered and what the browser can show of them.
import type { FileEntry } from '../api/types';

export type SortKey = 'name' | 'size' | 'mtime';
export type SortDirection = 'asc' | 'desc';

export interface SortOrder {
  key: SortKey;
  direction: SortDirection;
}

export const DEFAULT_SORT: SortOrder = { key: 'name', direction: 'asc' };

export const SORT_LABELS: { readonly [K in SortKey]: string } = {
  name: 'Name',
  size: 'Size',
  mtime: 'Modified',
};

// As people sort names: "file 2" before "file 10", case and accents ignored (as the server sorts).
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function byName(a: FileEntry, b: FileEntry): number {
  return collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** A sorted copy: folders always first (in either direction), then by the key; ties by name. */
export function sortEntries(entries: readonly FileEntry[], order: SortOrder): FileEntry[] {
  const sign = order.direction === 'asc' ? 1 : -1;
  const byKey = (a: FileEntry, b: FileEntry): number => {
    switch (order.key) {
      case 'name':
        return byName(a, b);
      case 'size':
        return a.size - b.size;
      case 'mtime':
        return Date.parse(a.mtime) - Date.parse(b.mtime);
    }
  };
  return [...entries].sort((a, b) => {
    const folders = Number(b.type === 'dir') - Number(a.type === 'dir');
    if (folders !== 0) return folders;
    return sign * byKey(a, b) || byName(a, b);
  });
}

/** The order after activating a column header: the same key flips direction, a new key starts ascending. */
export function nextSort(current: SortOrder, key: SortKey): SortOrder {
  if (current.key !== key) return { key, direction: 'asc' };
  return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
}

/** How a file is previewed in the page; null when it can only be downloaded. */
export type PreviewKind = 'image' | 'video' | 'audio' | 'pdf' | 'text';

// What the server sends inline (download.routes.ts); anything else comes as an attachment.
const INLINE_IMAGES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
]);
const INLINE_VIDEO = new Set(['video/mp4', 'video/webm', 'video/ogg']);
const INLINE_AUDIO = new Set([
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/webm',
  'audio/flac',
  'audio/mp4',
]);
// Text the server sends as text/plain when inline, so markup (HTML, SVG) shows as its source, never runs.
const AS_TEXT = /^(text\/|application\/(json|xml|javascript|x-sh)$|image\/svg\+xml$)/;

export function previewKind(entry: Pick<FileEntry, 'type' | 'mime'>): PreviewKind | null {
  if (entry.type !== 'file' || entry.mime === null) return null;
  const mime = entry.mime.toLowerCase();
  if (INLINE_IMAGES.has(mime)) return 'image';
  if (INLINE_VIDEO.has(mime)) return 'video';
  if (INLINE_AUDIO.has(mime)) return 'audio';
  if (mime === 'application/pdf') return 'pdf';
  if (AS_TEXT.test(mime)) return 'text';
  return null;
}

/** Largest text file shown in the page, in bytes (1 MiB); bigger ones are downloaded instead. */
export const MAX_TEXT_PREVIEW_BYTES = 1024 * 1024;

/** The icon an entry gets: its preview kind, or folder / file / other. */
export type EntryIcon = PreviewKind | 'folder' | 'file' | 'other';

export function entryIcon(entry: Pick<FileEntry, 'type' | 'mime'>): EntryIcon {
  if (entry.type === 'dir') return 'folder';
  if (entry.type === 'other') return 'other';
  return previewKind(entry) ?? 'file';
}

/** A long move or copy under way, as the server reports it on the live socket. */
export interface TransferProgress {
  operation: 'move' | 'copy';
  /** Bytes done so far, of `total`. */
  done: number;
  total: number;
}

/** Reads a `files.progress` push defensively (socket data is unknown JSON); null for anything else. */
export function parseTransferProgress(topic: string, data: unknown): TransferProgress | null {
  if (topic !== 'files.progress' || typeof data !== 'object' || data === null) return null;
  const { operation, done, total } = data as Record<string, unknown>;
  if (operation !== 'move' && operation !== 'copy') return null;
  if (typeof done !== 'number' || typeof total !== 'number' || !(total > 0)) return null;
  return { operation, done: Math.min(Math.max(0, done), total), total };
}
