import { Type } from 'typebox';
import { Nullable } from '../http/schemas.js';

const Box = Type.Object(
  { x: Type.Number(), y: Type.Number(), width: Type.Number(), height: Type.Number() },
  { description: 'Normalised to the event’s picture (0–1, origin top left)' },
);

/** A person's name: what the events and the Faces page show; unique whatever its case. */
const Name = Type.String({ minLength: 1, maxLength: 64, description: 'Unique, case-insensitively' });

export const PersonSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  createdAt: Type.Integer({ description: 'Epoch ms' }),
  sampleCount: Type.Integer(),
  sampleIds: Type.Array(Type.Integer(), { description: 'Oldest first; GET /api/faces/samples/:id.jpg' }),
  eventCount: Type.Integer({ description: 'Events in which this person’s face was seen' }),
});

export const PeopleList = Type.Array(PersonSchema);

export const CandidateSchema = Type.Object({
  id: Type.Integer({ description: 'The event face’s own id' }),
  eventId: Type.Integer(),
  faceIndex: Type.Integer({
    description: 'Index in the event’s faces; GET /api/events/:id/faces/:index.jpg',
  }),
  cameraId: Type.Integer(),
  seenAt: Type.Integer({ description: 'When the event started (epoch ms)' }),
  similarity: Type.Number({
    description: 'To the closest enrolled person when it was seen (below the threshold)',
  }),
  box: Box,
  hasCrop: Type.Boolean(),
});

export const CandidatesQuery = Type.Object(
  {
    cursor: Type.Optional(
      Type.String({ pattern: '^\\d+\\.\\d+$', description: 'nextCursor of the previous page' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const CandidatesPage = Type.Object({
  candidates: Type.Array(CandidateSchema),
  nextCursor: Nullable(Type.String()),
});

export const FaceIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const EventFaceParams = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  index: Type.Integer({ minimum: 0, maximum: 100 }),
});

const EventFaceRef = {
  eventId: Type.Integer({ minimum: 1 }),
  faceIndex: Type.Integer({ minimum: 0, maximum: 100 }),
};

export const EnrolBody = Type.Object({ name: Name, ...EventFaceRef }, { additionalProperties: false });
export const SampleBody = Type.Object(EventFaceRef, { additionalProperties: false });
export const PhotoQuery = Type.Object({ name: Name }, { additionalProperties: false });
export const RenameBody = Type.Object({ name: Name }, { additionalProperties: false });
export const MergeBody = Type.Object(
  { into: Type.Integer({ minimum: 1, description: 'The person who stays' }) },
  { additionalProperties: false },
);
