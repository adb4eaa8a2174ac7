/**
 * A camera's recording settings on the wire (GET/PUT /api/cameras/:id/recording) and in the database
 * (cameras.recording_settings, JSON; null: the defaults). The recorder reads them through
 * `readRecordingSettings`, which never throws: a row written by an older version gets the defaults for what it
 * lacks.
 */
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';

export const RECORDING_MODES = ['off', 'events', 'motion', 'continuous'] as const;
export type RecordingMode = (typeof RECORDING_MODES)[number];

export const RecordingSettingsSchema = Type.Object(
  {
    mode: Type.Union(
      [Type.Literal('off'), Type.Literal('events'), Type.Literal('motion'), Type.Literal('continuous')],
      {
        description:
          'off: nothing kept; events: the footage around each event (default); motion: around any motion; ' +
          'continuous: everything (24/7)',
      },
    ),
    preRollSeconds: Type.Integer({
      minimum: 0,
      maximum: 60,
      description: 'Kept from before an event starts (held in RAM until then)',
    }),
    postRollSeconds: Type.Integer({ minimum: 0, maximum: 300, description: 'Kept after an event ends' }),
    retainDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 3650, description: 'Recordings older than this go (default 30)' }),
    ),
    quotaGiB: Type.Optional(
      Type.Union([Type.Number({ minimum: 0.001, maximum: 1_000_000 }), Type.Null()], {
        description: "At most this much of this camera's recordings, oldest go first (default: no quota)",
      }),
    ),
    segmentSeconds: Type.Integer({
      minimum: 2,
      maximum: 6,
      description:
        'Length of each recorded piece (cut at a keyframe); shorter pieces make events start closer',
    }),
  },
  { additionalProperties: false },
);
export type RecordingSettings = Static<typeof RecordingSettingsSchema>;

export const DEFAULT_RECORDING: RecordingSettings = {
  mode: 'events',
  preRollSeconds: 10,
  postRollSeconds: 10,
  retainDays: 30,
  quotaGiB: null,
  segmentSeconds: 4,
};

const check = Compile(RecordingSettingsSchema);

/** The stored JSON as settings; the defaults for a null, unreadable or out-of-date value. */
export function readRecordingSettings(stored: string | null): RecordingSettings {
  if (stored === null) return { ...DEFAULT_RECORDING };
  try {
    const merged: unknown = { ...DEFAULT_RECORDING, ...(JSON.parse(stored) as object) };
    return check.Check(merged) ? merged : { ...DEFAULT_RECORDING };
  } catch {
    return { ...DEFAULT_RECORDING };
  }
}
