import { Type, type Static } from 'typebox';
import { RecordingSettingsSchema } from './recording-settings.js';

/** Longest span one index request may cover: a week, the timeline's widest view. */
export const MAX_SPAN_MS = 7 * 24 * 3_600_000;
/** Most segments one index request lists (a week of 4 s segments is ~150,000: the timeline needs ranges). */
export const MAX_SEGMENTS = 20_000;

export const CameraRecordingSchema = Type.Object({
  settings: RecordingSettingsSchema,
  defaults: RecordingSettingsSchema,
  modes: Type.Array(RecordingSettingsSchema.properties.mode, {
    description: 'Every recording mode, from least to most kept',
  }),
});
export type CameraRecording = Static<typeof CameraRecordingSchema>;

export const RecordingIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const RecordingsQuery = Type.Object(
  {
    camera: Type.Integer({ minimum: 1 }),
    from: Type.Integer({ minimum: 0, description: 'Epoch ms, inclusive' }),
    to: Type.Integer({
      minimum: 0,
      description: `Epoch ms, exclusive; after from, and at most ${MAX_SPAN_MS} ms (7 days) later`,
    }),
  },
  { additionalProperties: false },
);

export const RecordedRangeSchema = Type.Object({
  startedAt: Type.Integer({ description: 'Epoch ms' }),
  endedAt: Type.Integer({ description: 'Epoch ms' }),
  segments: Type.Integer({ description: 'How many segments make up the range' }),
  bytes: Type.Integer(),
});

export const RecordingSegmentSchema = Type.Object({
  id: Type.Integer({ description: 'For GET /api/recordings/:id/file' }),
  startedAt: Type.Integer({ description: 'Epoch ms' }),
  endedAt: Type.Integer({ description: 'Epoch ms' }),
  bytes: Type.Integer(),
  keyframes: Type.Integer({ description: 'Keyframes in the segment (a segment starts on one)' }),
});
export type RecordingSegment = Static<typeof RecordingSegmentSchema>;

export const RecordingsIndexSchema = Type.Object({
  ranges: Type.Array(RecordedRangeSchema, {
    description: 'Recorded stretches overlapping [from, to), oldest first; gaps under 1.5 s are merged',
  }),
  segments: Type.Array(RecordingSegmentSchema, {
    maxItems: MAX_SEGMENTS,
    description: `The segments overlapping [from, to), oldest first; at most ${MAX_SEGMENTS}`,
  }),
  truncated: Type.Boolean({
    description: `True when more than ${MAX_SEGMENTS} segments overlap the span: ask again from the last one's endedAt`,
  }),
});
export type RecordingsIndex = Static<typeof RecordingsIndexSchema>;

export const EventRecordingsSchema = Type.Object({
  segments: Type.Array(RecordingSegmentSchema, {
    description: 'The segments that show the event (its pre-roll included), oldest first',
  }),
});
export type EventRecordings = Static<typeof EventRecordingsSchema>;
