/**
 * A camera's detection settings on the wire (GET/PUT /api/cameras/:id/detection) and in the database
 * (cameras.detection_settings, JSON). Shapes and ranges are checked here (400 VALIDATION_FAILED naming the field
 * and the limit); what a schema cannot say (known labels, unique zone names, idle rate ≤ rate) is checked by
 * checkDetectionSettings in detection-settings.ts, each with its own code.
 */
import { Type, type Static } from 'typebox';

/** Polygon limits, shared with the front end's editor. */
export const POLYGON_POINTS = { min: 3, max: 32 } as const;
export const ZONE_NAME_MAX = 40;
/** At most this many zones, and this many masks, per camera. */
export const MAX_ZONES = 16;
export const MAX_MASKS = 16;
/** A user's detector may name up to this many labels (COCO has 80). */
const MAX_LABELS = 1000;

const Point = Type.Object(
  {
    x: Type.Number({ minimum: 0, maximum: 1, description: '0 = left edge, 1 = right edge' }),
    y: Type.Number({ minimum: 0, maximum: 1, description: '0 = top edge, 1 = bottom edge' }),
  },
  { additionalProperties: false },
);

export const PolygonSchema = Type.Array(Point, {
  minItems: POLYGON_POINTS.min,
  maxItems: POLYGON_POINTS.max,
  description:
    'Corners in order, in normalised picture coordinates (0–1, origin top left); closed implicitly',
});

const Score = (description: string) => Type.Number({ minimum: 0.1, maximum: 0.99, description });

export const DetectionSettingsSchema = Type.Object(
  {
    // A pattern rather than a union of literals: a wrong value then gets a message that names the right ones.
    mode: Type.Unsafe<'objects' | 'motion'>({
      type: 'string',
      pattern: '^(objects|motion)$',
      description:
        'objects: events are confirmed object tracks (motion gates the detector); motion: events are motion bursts, no detector',
    }),
    labels: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      maxItems: MAX_LABELS,
      uniqueItems: true,
      description: "Labels to track (objects mode), from the detector's list; others are ignored",
    }),
    minScore: Type.Record(Type.String({ maxLength: 64 }), Score('Minimum score for this label'), {
      maxProperties: MAX_LABELS,
      description: 'Per-label minimum score (0.1–0.99), for tracked labels; defaultScore for the rest',
    }),
    defaultScore: Score('Minimum score (0.1–0.99) of labels without their own'),
    motion: Type.Object(
      {
        sensitivity: Type.Integer({
          minimum: 1,
          maximum: 100,
          description: 'Higher sees smaller differences; default 70',
        }),
        minArea: Type.Number({
          minimum: 0.0001,
          maximum: 0.5,
          description: 'Moving regions smaller than this share of the picture are noise; default 0.0005',
        }),
        masks: Type.Array(PolygonSchema, {
          maxItems: MAX_MASKS,
          description: 'Where motion is ignored (a road, a tree, a timestamp)',
        }),
      },
      { additionalProperties: false },
    ),
    zones: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: ZONE_NAME_MAX, description: 'Unique per camera' }),
          polygon: PolygonSchema,
        },
        { additionalProperties: false },
      ),
      {
        maxItems: MAX_ZONES,
        description: 'Named areas; an event lists the zones its object stood in (by the foot of its box)',
      },
    ),
    faces: Type.Boolean({ description: 'Detect and match faces on person tracks' }),
    frames: Type.Object(
      {
        fps: Type.Integer({
          minimum: 1,
          maximum: 10,
          description: 'Analysed frames a second while something moves; default 5',
        }),
        idleFps: Type.Number({
          minimum: 0.2,
          maximum: 10,
          description: 'Analysed frames a second while nothing moves (at most fps); default 2',
        }),
        maxWidth: Type.Integer({
          minimum: 160,
          maximum: 1280,
          multipleOf: 4,
          description:
            'Analysed picture width, pixels (a multiple of 4; smaller pictures keep theirs); default 640',
        }),
      },
      {
        additionalProperties: false,
        description: 'Changing these restarts the camera (its picture is cut for a moment)',
      },
    ),
  },
  { additionalProperties: false },
);
export type DetectionSettings = Static<typeof DetectionSettingsSchema>;

export const CameraDetectionBody = Type.Object(
  {
    detect: Type.Boolean({ description: 'Detection on or off' }),
    // Absent rather than null: fastify's validator coerces "", 0 and false to null, which would reset by accident.
    // Absent means Vigil's defaults (and whatever later versions make them). Not null: fastify's validator
    // coerces "", 0 and false to null, which would reset a camera's settings by accident.
    settings: Type.Optional(DetectionSettingsSchema),
  },
  { additionalProperties: false },
);
export type CameraDetectionInput = Static<typeof CameraDetectionBody>;

export const CameraDetectionSchema = Type.Object({
  cameraId: Type.Integer(),
  detect: Type.Boolean(),
  /** False when the camera follows the defaults. */
  custom: Type.Boolean({ description: "False: the camera uses Vigil's defaults" }),
  settings: DetectionSettingsSchema,
  defaults: DetectionSettingsSchema,
  knownLabels: Type.Array(Type.String(), { description: 'Every label the object detector knows' }),
});
export type CameraDetection = Static<typeof CameraDetectionSchema>;
