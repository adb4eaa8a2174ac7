import { Type } from 'typebox';
import { Nullable } from '../http/schemas.js';

const Io = Type.Object({
  name: Type.String(),
  shape: Type.Array(Type.Integer(), { description: 'As fed and as onnxruntime gave it on one run' }),
});

export const DetectorSchema = Type.Object({
  id: Type.String({ description: '`centernet` for the built-in one' }),
  name: Type.String(),
  builtIn: Type.Boolean(),
  kind: Type.Union([Type.Literal('centernet'), Type.Literal('yolo'), Type.Literal('ssd')]),
  labels: Type.Array(Type.String(), { description: 'One per class, in the model’s order' }),
  input: Io,
  outputs: Type.Array(Io),
  sha256: Type.String(),
  bytes: Type.Integer(),
  createdAt: Nullable(Type.String({ format: 'date-time', description: 'null for the built-in one' })),
  /** The built-in model is listed even when `npm run models` has not written it yet. */
  available: Type.Boolean({ description: 'false when its file is missing' }),
});

export const DetectorsList = Type.Object({
  active: Type.String({ description: 'The chosen detector’s id' }),
  running: Nullable(
    Type.String({ description: 'What the inference worker reports running; null when it is not running' }),
  ),
  problem: Nullable(
    Type.Object(
      { code: Type.String(), message: Type.String() },
      { description: 'Why the worker refused the chosen detector (it keeps running the previous one)' },
    ),
  ),
  detectors: Type.Array(DetectorSchema),
});

export const DetectorUploadQuery = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' }),
    labels: Type.String({
      minLength: 1,
      maxLength: 12_000,
      description: 'The class labels in the model’s order: one per line, or a JSON array of strings',
    }),
    pixels: Type.Optional(
      Type.Union([Type.Literal('unit'), Type.Literal('byte'), Type.Literal('signed')], {
        description: 'What the model expects: unit 0–1 (YOLO, default), byte 0–255, signed −1–1',
      }),
    ),
    boxes: Type.Optional(
      Type.Union([Type.Literal('xyxy'), Type.Literal('yxyx')], {
        description: 'SSD box corner order (default xyxy; TensorFlow exports give yxyx)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const DetectorIdParams = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }),
});

export const ActiveDetectorBody = Type.Object(
  { id: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }) },
  { additionalProperties: false },
);
