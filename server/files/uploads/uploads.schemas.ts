import { Type } from 'typebox';
import { ApiPath, PathEntrySchema, RootName } from '../files.schemas.js';

const Conflict = Type.Union([Type.Literal('rename'), Type.Literal('overwrite'), Type.Literal('fail')], {
  description:
    'When the name is taken: "name (2).ext" (rename, the default), replace it, or 409 ALREADY_EXISTS',
});

export const UploadQuery = Type.Object({
  /** Target folder; default "/". */
  path: Type.Optional(ApiPath),
  /** Only `files` (the default) takes uploads: `recordings` is 403 READ_ONLY. */
  root: RootName,
  conflict: Type.Optional(Conflict),
});

export const UploadResult = Type.Object({
  uploaded: Type.Array(PathEntrySchema),
  failed: Type.Array(Type.Object({ name: Type.String(), code: Type.String(), message: Type.String() })),
});

export const UploadIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** Nothing in the body: tus answers with headers (Location, Upload-Offset, Upload-Length, Tus-*). */
export const TusAnswer = Type.Null({ description: 'tus 1.0 headers, no body' });
