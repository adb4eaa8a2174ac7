import { describe, expect, it } from 'vitest';
import { thumbnailPath } from './recording-thumbnails.js';
import { recordingPathSegments } from './recording-file.js';

describe('thumbnailPath', () => {
  it('puts a thumbnail in its segment’s UTC day folder, under thumbs/, named by the segment’s start', () => {
    const at = Date.UTC(2026, 11, 10, 23, 59, 59, 999);
    expect(thumbnailPath(4, at)).toBe(`recordings/4/2026-12-10/thumbs/${at}.jpg`);
    expect(thumbnailPath(4, at + 1)).toBe(`recordings/4/2026-12-11/thumbs/${at + 1}.jpg`);
  });

  it('is a path the file check serves (inside recordings/, nothing relative)', () => {
    expect(recordingPathSegments(thumbnailPath(12, Date.UTC(2026, 0, 1)))).toHaveLength(5);
  });
});
