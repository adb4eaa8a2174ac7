// Recordings: a camera's recording settings, the index of what was kept, one segment's file and the HLS
// playlists the players load. The wire types come, as types only, from the server's TypeBox schemas.
import type { Static } from 'typebox';
import type { RecordingSettingsSchema } from '../../../server/recordings/recording-settings';
import type {
  CameraRecordingSchema,
  EventRecordingsSchema,
  RecordedRangeSchema,
  RecordingSegmentSchema,
  RecordingsIndexSchema,
} from '../../../server/recordings/recordings.schemas';
import { requestJson } from './client';
import { query } from './urls';

/** What a camera keeps (off | events | motion | continuous), the pre- and post-roll and segment length in s. */
export type RecordingSettings = Static<typeof RecordingSettingsSchema>;
export type RecordingMode = RecordingSettings['mode'];
/** GET /api/cameras/:id/recording: the camera's settings (its own or the defaults), the defaults, the modes. */
export type CameraRecording = Static<typeof CameraRecordingSchema>;
/** A stretch of footage on the timeline (segments merged across gaps under 1.5 s); times in epoch ms. */
export type RecordedRange = Static<typeof RecordedRangeSchema>;
/** One kept segment (MPEG-TS); fetch its bytes from `recordingFileUrl(id)`. */
export type RecordingSegment = Static<typeof RecordingSegmentSchema>;
/** GET /api/recordings: at most 7 days and 20,000 segments; `truncated` when more overlap the span. */
export type RecordingsIndex = Static<typeof RecordingsIndexSchema>;
/** GET /api/events/:id/recordings. */
export type EventRecordings = Static<typeof EventRecordingsSchema>;

export const recordingsApi = {
  settings: async (cameraId: number) =>
    (await requestJson('GET', `/api/cameras/${cameraId}/recording`)) as CameraRecording,
  saveSettings: async (cameraId: number, body: RecordingSettings) =>
    (await requestJson('PUT', `/api/cameras/${cameraId}/recording`, { body })) as CameraRecording,
  index: async (camera: number, from: number, to: number) =>
    (await requestJson('GET', `/api/recordings?${query({ camera, from, to })}`)) as RecordingsIndex,
  ofEvent: async (eventId: number) =>
    (await requestJson('GET', `/api/events/${eventId}/recordings`)) as EventRecordings,
};

/** One segment's MPEG-TS. */
export function recordingFileUrl(id: number): string {
  return `/api/recordings/${id}/file`;
}

/** An HLS VOD playlist of a camera's segments overlapping [from, to) (epoch ms). */
export function recordingsPlaylistUrl(camera: number, from: number, to: number): string {
  return `/api/recordings/playlist.m3u8?${query({ camera, from, to })}`;
}

/** An HLS VOD playlist of an event's clip, its pre-roll first. */
export function eventClipUrl(eventId: number): string {
  return `/api/events/${eventId}/clip.m3u8`;
}
