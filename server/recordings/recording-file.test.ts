import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecordingFile, recordingPathSegments } from './recording-file.js';

describe('recordingPathSegments', () => {
  it('accepts plain paths inside recordings/', () => {
    expect(recordingPathSegments('recordings/3/2026-12-09/s1-000042.ts')).toEqual([
      'recordings',
      '3',
      '2026-12-09',
      's1-000042.ts',
    ]);
  });

  it.each([
    ['a parent step', '../vigil.db'],
    ['a parent step inside', 'recordings/../vigil.db'],
    ['a deeper parent step', 'recordings/3/../../../etc/passwd'],
    ['an absolute path', '/etc/passwd'],
    ['another vault folder', 'files/notes.txt'],
    ['the folder itself', 'recordings'],
    ['a trailing slash', 'recordings/3/'],
    ['an empty component', 'recordings//3/a.ts'],
    ['a dot component', 'recordings/./a.ts'],
    ['a backslash', 'recordings\\..\\vigil.db'],
    ['a NUL', 'recordings/a.ts\0.jpg'],
    ['a look-alike first folder', 'recordings-old/a.ts'],
    ['nothing', ''],
  ])('refuses %s', (_what, stored) => {
    expect(recordingPathSegments(stored)).toBeNull();
  });
});

describe('openRecordingFile (real files)', () => {
  let outside: string;
  let root: string;

  beforeAll(() => {
    outside = mkdtempSync(path.join(tmpdir(), 'vigil-recording-file-'));
    root = path.join(outside, 'vault');
    mkdirSync(path.join(root, 'recordings', '1', 'day'), { recursive: true });
    writeFileSync(path.join(root, 'recordings', '1', 'day', 'a.ts'), 'segment bytes');
    writeFileSync(path.join(outside, 'secret.db'), 'not footage');
    symlinkSync(path.join(outside, 'secret.db'), path.join(root, 'recordings', '1', 'day', 'link.ts'));
    symlinkSync(outside, path.join(root, 'recordings', 'up'));
  });
  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  it('opens a segment and gives its size', async () => {
    const opened = await openRecordingFile(root, 'recordings/1/day/a.ts');
    if (!opened) throw new Error('the segment was refused');
    expect(opened.size).toBe(13);
    const { buffer } = await opened.file.read(Buffer.alloc(13), 0, 13, 0);
    expect(buffer.toString()).toBe('segment bytes');
    await opened.file.close();
  });

  it('refuses a symlinked file, a symlinked folder, a folder and a missing file', async () => {
    for (const stored of [
      'recordings/1/day/link.ts',
      'recordings/up/secret.db',
      'recordings/1/day',
      'recordings/1/day/gone.ts',
      'recordings/1/day/a.ts/more',
    ])
      expect(await openRecordingFile(root, stored), stored).toBeNull();
  });
});
