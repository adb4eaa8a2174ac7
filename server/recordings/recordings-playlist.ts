/**
 * HLS VOD playlists over kept segments (RFC 8216). Segments are the recorder's MPEG-TS files as they are: a
 * player fetches each from GET /api/recordings/:id/file. Wall-clock time rides on EXT-X-PROGRAM-DATE-TIME, which
 * players carry forward over the following segments' EXTINF durations; so it is written before the first segment
 * and again wherever the timeline jumps, and a jump also gets EXT-X-DISCONTINUITY, because the timestamps inside
 * the files restart or leap there (another recording session) and a player must not try to join them up.
 */
import { GAP_MS } from './recordings.store.js';

/** What a playlist needs of a segment: its id for the URL and its span on the wall clock (epoch ms). */
export interface PlaylistSegment {
  id: number;
  startedAt: number;
  endedAt: number;
}

export const PLAYLIST_CONTENT_TYPE = 'application/vnd.apple.mpegurl';

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/**
 * The playlist for `segments` (oldest first, at least one). A segment follows the previous one when it starts
 * within GAP_MS of the previous one's end (either way: a restart's overlap counts as a jump too).
 */
export function buildPlaylist(segments: readonly PlaylistSegment[]): string {
  const longest = Math.max(1, ...segments.map((s) => Math.ceil((s.endedAt - s.startedAt) / 1000)));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${longest}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
  ];
  let previous: PlaylistSegment | undefined;
  for (const segment of segments) {
    const follows = previous !== undefined && Math.abs(segment.startedAt - previous.endedAt) <= GAP_MS;
    if (previous !== undefined && !follows) lines.push('#EXT-X-DISCONTINUITY');
    if (!follows) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(segment.startedAt).toISOString()}`);
    lines.push(
      `#EXTINF:${seconds(segment.endedAt - segment.startedAt)},`,
      `/api/recordings/${segment.id}/file`,
    );
    previous = segment;
  }
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}
