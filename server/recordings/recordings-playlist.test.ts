import { describe, expect, it } from 'vitest';
import { buildPlaylist } from './recordings-playlist.js';
import { GAP_MS } from './recordings.store.js';

const base = Date.UTC(2026, 11, 9, 12, 0, 0);

describe('buildPlaylist', () => {
  it('writes a VOD playlist: header, one date-time before the first segment, durations, URLs, end', () => {
    const playlist = buildPlaylist([
      { id: 7, startedAt: base, endedAt: base + 2_000 },
      { id: 8, startedAt: base + 2_000, endedAt: base + 4_033 },
      { id: 9, startedAt: base + 4_033, endedAt: base + 5_500 },
    ]);
    expect(playlist).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:3',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-PROGRAM-DATE-TIME:2026-12-09T12:00:00.000Z',
        '#EXTINF:2.000,',
        '/api/recordings/7/file',
        '#EXTINF:2.033,',
        '/api/recordings/8/file',
        '#EXTINF:1.467,',
        '/api/recordings/9/file',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
  });

  it('marks a discontinuity and a new date-time after a gap over GAP_MS, not after a smaller one', () => {
    const playlist = buildPlaylist([
      { id: 1, startedAt: base, endedAt: base + 4_000 },
      { id: 2, startedAt: base + 4_000 + GAP_MS, endedAt: base + 8_000 },
      { id: 3, startedAt: base + 8_000 + GAP_MS + 1, endedAt: base + 12_000 },
      { id: 4, startedAt: base + 60_000, endedAt: base + 66_000 },
    ]);
    const lines = playlist.split('\n');
    expect(lines.filter((l) => l === '#EXT-X-DISCONTINUITY')).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('#EXT-X-PROGRAM-DATE-TIME:'))).toEqual([
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-09T12:00:00.000Z',
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(base + 8_000 + GAP_MS + 1).toISOString()}`,
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-09T12:01:00.000Z',
    ]);
    // Each marker sits right before the segment that jumps, the discontinuity first.
    const at = lines.indexOf('/api/recordings/3/file');
    expect(lines.slice(at - 3, at)).toEqual([
      '#EXT-X-DISCONTINUITY',
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(base + 8_000 + GAP_MS + 1).toISOString()}`,
      '#EXTINF:2.499,',
    ]);
    expect(lines[lines.indexOf('/api/recordings/2/file') - 2]).toBe('/api/recordings/1/file');
    expect(lines).toContain('#EXT-X-TARGETDURATION:6');
  });

  it('treats a segment that starts well before the previous one ended (a restart) as a jump', () => {
    const lines = buildPlaylist([
      { id: 1, startedAt: base, endedAt: base + 6_000 },
      { id: 2, startedAt: base + 6_000 - GAP_MS - 1, endedAt: base + 9_000 },
    ]).split('\n');
    expect(lines).toContain('#EXT-X-DISCONTINUITY');
  });

  it('rounds the target duration up to whole seconds and never below 1', () => {
    expect(buildPlaylist([{ id: 1, startedAt: base, endedAt: base + 2_001 }])).toContain(
      '#EXT-X-TARGETDURATION:3\n',
    );
    const instant = buildPlaylist([{ id: 1, startedAt: base, endedAt: base }]);
    expect(instant).toContain('#EXT-X-TARGETDURATION:1\n');
    expect(instant).toContain('#EXTINF:0.000,\n');
  });
});
