import { Type } from 'typebox';
import { MAX_PATH_BYTES } from './path-limits.js';

/** An API path: from the files root, with a leading "/" ("/" is the root). Checked again by path-safety. */
export const ApiPath = Type.String({ minLength: 1, maxLength: MAX_PATH_BYTES, examples: ['/Photos/2026'] });
const Paths = Type.Array(ApiPath, { minItems: 1, maxItems: 10_000 });

/** The places the file manager shows (see file-roots.ts). */
export const FILE_ROOTS = ['files', 'recordings'] as const;
export type FileRootName = (typeof FILE_ROOTS)[number];
/** Which vault folder the paths are in: `files` (the default) or `recordings` (read-only). */
export const RootName = Type.Optional(
  Type.Enum(FILE_ROOTS, {
    description: 'files (default) or recordings (read-only: changes get 403 READ_ONLY)',
  }),
);

// Listings are the busiest route: `enum` and a type array serialise directly, where an anyOf (Union) makes
// fastify's serialiser validate every row against each branch (measured: several times slower for 100 rows).
const EntryType = Type.Enum(['file', 'dir', 'other']);
const NullableString = Type.Unsafe<string | null>({ type: ['string', 'null'] });

export const FileEntrySchema = Type.Object({
  name: Type.String(),
  type: EntryType,
  size: Type.Number(),
  mtime: Type.String({ description: 'ISO 8601 date-time' }),
  mime: NullableString,
});
export const PathEntrySchema = Type.Intersect([Type.Object({ path: Type.String() }), FileEntrySchema]);

export const ListQuery = Type.Object({
  root: RootName,
  path: Type.Optional(ApiPath),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
export const ListingSchema = Type.Object({
  path: Type.String(),
  entries: Type.Array(FileEntrySchema),
  total: Type.Integer(),
  offset: Type.Integer(),
  limit: Type.Integer(),
});
export const PathQuery = Type.Object({ root: RootName, path: ApiPath });
export const DownloadQuery = Type.Object({
  root: RootName,
  path: ApiPath,
  inline: Type.Optional(Type.Boolean({ description: 'Preview in the browser when the type allows it' })),
});
export const PathBody = Type.Object({ root: RootName, path: ApiPath }, { additionalProperties: false });
export const RenameBody = Type.Object(
  { root: RootName, path: ApiPath, name: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
export const TransferBody = Type.Object(
  { root: RootName, paths: Paths, to: ApiPath },
  { additionalProperties: false },
);
export const DeleteBody = Type.Object(
  { root: RootName, paths: Paths, permanent: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const ZipBody = Type.Object({ root: RootName, paths: Paths }, { additionalProperties: false });
export const ZipQuery = Type.Object({
  root: RootName,
  path: Type.Union([ApiPath, Type.Array(ApiPath, { minItems: 1, maxItems: 1000 })]),
});

const Failure = Type.Object({ path: Type.String(), code: Type.String(), message: Type.String() });
export const DeleteResult = Type.Object({ deleted: Type.Array(Type.String()), failed: Type.Array(Failure) });
export const MoveResult = Type.Object({ moved: Type.Array(Type.String()), failed: Type.Array(Failure) });
export const CopyResult = Type.Object({ copied: Type.Array(Type.String()), failed: Type.Array(Failure) });

export const TrashEntrySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  originalPath: Type.String(),
  type: EntryType,
  size: Type.Number(),
  deletedAt: Type.String({ description: 'ISO 8601 date-time' }),
});
export const TrashListSchema = Type.Object({ entries: Type.Array(TrashEntrySchema) });
export const RestoreBody = Type.Object(
  { ids: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 10_000 }) },
  { additionalProperties: false },
);
export const RestoreResult = Type.Object({
  restored: Type.Array(Type.String()),
  failed: Type.Array(Type.Object({ path: Type.String(), code: Type.String(), message: Type.String() })),
});
export const EmptyResult = Type.Object({ deleted: Type.Integer() });
