import { describe, expect, it } from 'vitest';
import type { FileEntry } from '../api/types';
import { entryIcon, nextSort, parseTransferProgress, previewKind, sortEntries } from './file-entries';

const entry = (
  name: string,
  type: FileEntry['type'],
  size: number,
  mtime: string,
  mime: string | null = null,
) => ({ name, type, size, mtime, mime }) satisfies FileEntry;

const ENTRIES: FileEntry[] = [
  entry('file 10.txt', 'file', 300, '2026-01-03T00:00:00Z', 'text/plain'),
  entry('Zeta', 'dir', 0, '2026-01-01T00:00:00Z'),
  entry('file 2.txt', 'file', 100, '2026-01-05T00:00:00Z', 'text/plain'),
  entry('alpha', 'dir', 0, '2026-01-09T00:00:00Z'),
  entry('Big.bin', 'file', 900, '2026-01-01T00:00:00Z'),
];
const names = (list: FileEntry[]) => list.map((item) => item.name);

describe('sortEntries', () => {
  it('puts folders first, then names as people sort them', () => {
    expect(names(sortEntries(ENTRIES, { key: 'name', direction: 'asc' }))).toEqual([
      'alpha',
      'Zeta',
      'Big.bin',
      'file 2.txt',
      'file 10.txt',
    ]);
  });

  it('keeps folders first when the order is reversed', () => {
    expect(names(sortEntries(ENTRIES, { key: 'name', direction: 'desc' }))).toEqual([
      'Zeta',
      'alpha',
      'file 10.txt',
      'file 2.txt',
      'Big.bin',
    ]);
  });

  it('sorts by size and by date, ties by name', () => {
    expect(names(sortEntries(ENTRIES, { key: 'size', direction: 'desc' }))).toEqual([
      'alpha',
      'Zeta',
      'Big.bin',
      'file 10.txt',
      'file 2.txt',
    ]);
    expect(names(sortEntries(ENTRIES, { key: 'mtime', direction: 'asc' }))).toEqual([
      'Zeta',
      'alpha',
      'Big.bin',
      'file 10.txt',
      'file 2.txt',
    ]);
  });

  it('leaves its input alone', () => {
    const copy = [...ENTRIES];
    sortEntries(ENTRIES, { key: 'size', direction: 'asc' });
    expect(ENTRIES).toEqual(copy);
  });

  it('flips the direction on the same column and starts ascending on another', () => {
    expect(nextSort({ key: 'name', direction: 'asc' }, 'name')).toEqual({ key: 'name', direction: 'desc' });
    expect(nextSort({ key: 'name', direction: 'desc' }, 'size')).toEqual({ key: 'size', direction: 'asc' });
  });
});

describe('previewKind', () => {
  it('previews what the server sends inline', () => {
    expect(previewKind({ type: 'file', mime: 'image/jpeg' })).toBe('image');
    expect(previewKind({ type: 'file', mime: 'video/mp4' })).toBe('video');
    expect(previewKind({ type: 'file', mime: 'audio/mpeg' })).toBe('audio');
    expect(previewKind({ type: 'file', mime: 'application/pdf' })).toBe('pdf');
    expect(previewKind({ type: 'file', mime: 'text/plain' })).toBe('text');
  });

  it('shows markup as its text, never rendered', () => {
    expect(previewKind({ type: 'file', mime: 'image/svg+xml' })).toBe('text');
    expect(previewKind({ type: 'file', mime: 'text/html' })).toBe('text');
    expect(previewKind({ type: 'file', mime: 'application/json' })).toBe('text');
  });

  it('offers only a download for everything else', () => {
    expect(previewKind({ type: 'file', mime: 'application/zip' })).toBeNull();
    expect(previewKind({ type: 'file', mime: 'video/x-matroska' })).toBeNull();
    expect(previewKind({ type: 'file', mime: null })).toBeNull();
    expect(previewKind({ type: 'dir', mime: null })).toBeNull();
  });

  it('picks an icon per kind', () => {
    expect(entryIcon({ type: 'dir', mime: null })).toBe('folder');
    expect(entryIcon({ type: 'other', mime: null })).toBe('other');
    expect(entryIcon({ type: 'file', mime: 'image/png' })).toBe('image');
    expect(entryIcon({ type: 'file', mime: 'application/zip' })).toBe('file');
  });
});

describe('parseTransferProgress', () => {
  it('reads a files.progress push', () => {
    expect(parseTransferProgress('files.progress', { operation: 'copy', done: 5, total: 10 })).toEqual({
      operation: 'copy',
      done: 5,
      total: 10,
    });
  });

  it('ignores other topics and malformed data, and clamps done', () => {
    expect(parseTransferProgress('vault.state', { operation: 'copy', done: 5, total: 10 })).toBeNull();
    expect(parseTransferProgress('files.progress', { operation: 'zap', done: 5, total: 10 })).toBeNull();
    expect(parseTransferProgress('files.progress', { operation: 'move', done: 5, total: 0 })).toBeNull();
    expect(parseTransferProgress('files.progress', null)).toBeNull();
    expect(parseTransferProgress('files.progress', { operation: 'move', done: 50, total: 10 })?.done).toBe(
      10,
    );
  });
});
