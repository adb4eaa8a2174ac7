import { Type } from 'typebox';
import { Nullable } from '../http/schemas.js';

const Box = Type.Object(
  { x: Type.Number(), y: Type.Number(), width: Type.Number(), height: Type.Number() },
  { description: 'Normalised to the picture (0–1, origin top left)' },
);

export const EventSchema = Type.Object({
  id: Nullable(
    Type.Integer({ description: 'null for an event seen while the vault was locked (not stored)' }),
  ),
  cameraId: Type.Integer(),
  label: Type.String({ description: 'COCO label, or motion for a motion-only camera' }),
  startedAt: Type.Integer({ description: 'Epoch ms' }),
  endedAt: Nullable(Type.Integer()),
  topScore: Type.Number(),
  box: Box,
  path: Type.Array(Type.Object({ at: Type.Integer(), box: Box })),
  zones: Type.Array(Type.String()),
  faces: Type.Array(
    Type.Object({
      faceId: Nullable(Type.Integer()),
      name: Nullable(Type.String()),
      similarity: Type.Number(),
      box: Box,
    }),
  ),
  stationary: Type.Boolean(),
  hasSnapshot: Type.Boolean(),
  snapshotBox: Nullable(Box),
  protected: Type.Boolean(),
});

export const EventIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const EventsQuery = Type.Object(
  {
    camera: Type.Optional(Type.Integer({ minimum: 1 })),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    face: Type.Optional(Type.Integer({ minimum: 1 })),
    from: Type.Optional(Type.Integer({ minimum: 0, description: 'Epoch ms, inclusive' })),
    to: Type.Optional(Type.Integer({ minimum: 0, description: 'Epoch ms, exclusive' })),
    cursor: Type.Optional(
      Type.String({ pattern: '^\\d+\\.\\d+$', description: 'nextCursor of the previous page' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const EventsPage = Type.Object({
  events: Type.Array(EventSchema),
  nextCursor: Nullable(Type.String()),
});

export const SnapshotQuery = Type.Object({
  box: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('0')])),
});

export const ProtectBody = Type.Object({ protected: Type.Boolean() }, { additionalProperties: false });

export const StatsQuery = Type.Object(
  {
    bucket: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'hour' })),
    hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 90, default: 24 })),
  },
  { additionalProperties: false },
);

export const StatsResponse = Type.Object({
  bucketMs: Type.Integer(),
  from: Type.Integer(),
  buckets: Type.Array(Type.Object({ bucket: Type.Integer(), label: Type.String(), count: Type.Integer() })),
  labels: Type.Array(Type.String(), { description: 'Every label stored events carry (for filters)' }),
  stored: Type.Boolean(),
  unstoredWhileLocked: Type.Integer(),
});
