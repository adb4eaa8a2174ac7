import { Type, type Static } from 'typebox';

/** Longest span one export may cover: a day (a day of 1080p at 4 Mbit/s is ~43 GB). */
export const MAX_EXPORT_SPAN_MS = 24 * 3_600_000;
/** The /api/ws topic that carries an export's progress, to the user who started it. */
export const EXPORT_TOPIC = 'recordings.export';

export const ExportBody = Type.Object(
  {
    camera: Type.Integer({ minimum: 1 }),
    from: Type.Integer({ minimum: 0, description: 'Epoch ms, inclusive' }),
    to: Type.Integer({
      minimum: 0,
      description: `Epoch ms, exclusive; after from, and at most ${MAX_EXPORT_SPAN_MS} ms (24 h) later`,
    }),
  },
  { additionalProperties: false },
);
export type ExportBody = Static<typeof ExportBody>;

export const ExportStartedSchema = Type.Object({
  id: Type.String({ description: 'The export, as its progress on /api/ws names it' }),
  name: Type.String({ description: 'The MP4’s file name' }),
  path: Type.String({
    description: 'Where it will be in the file manager (files root); the done message has the final path',
  }),
});
export type ExportStarted = Static<typeof ExportStartedSchema>;

/** `data` of an /api/ws event with topic `recordings.export`. */
export const ExportProgressSchema = Type.Object({
  id: Type.String(),
  state: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  path: Type.String({ description: 'The MP4 in the file manager (files root)' }),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});
export type ExportProgress = Static<typeof ExportProgressSchema>;
