import type { FastifyRequest } from 'fastify';
import { requireUser } from '../http/access.js';
import { errorResponses } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import {
  CopyResult,
  DeleteBody,
  DeleteResult,
  EmptyResult,
  ListingSchema,
  ListQuery,
  MoveResult,
  PathBody,
  PathEntrySchema,
  PathQuery,
  RenameBody,
  RestoreBody,
  RestoreResult,
  TransferBody,
  TrashListSchema,
} from './files.schemas.js';

/**
 * Listing, metadata and changes. Viewers read; editors (and admins) write, in `files/` only (403 READ_ONLY for
 * `root: recordings`). 423 VAULT_LOCKED while locked.
 */
export const filesRoutes: RoutePlugin = async (app, { services }) => {
  const { files } = services;
  const tags = ['files'];
  const userId = (request: FastifyRequest) => requireUser(request).userId;
  const errors = errorResponses(400, 404, 409, 423, 507);

  app.get(
    '/api/files',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'List a folder',
        querystring: ListQuery,
        response: { 200: ListingSchema, ...errors },
      },
    },
    (request) =>
      files.list(request.query.path ?? '/', request.query.offset, request.query.limit, request.query.root),
  );

  app.get(
    '/api/files/stat',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'One entry',
        querystring: PathQuery,
        response: { 200: PathEntrySchema, ...errors },
      },
    },
    (request) => files.stat(request.query.path, request.query.root),
  );

  app.post(
    '/api/files/mkdir',
    {
      config: { access: 'editor' },
      schema: { tags, summary: 'New folder', body: PathBody, response: { 201: PathEntrySchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await files.mkdir(request.body.path, request.body.root)),
  );

  app.post(
    '/api/files/rename',
    {
      config: { access: 'editor' },
      schema: {
        tags,
        summary: 'Rename in place',
        body: RenameBody,
        response: { 200: PathEntrySchema, ...errors },
      },
    },
    (request) => files.rename(request.body.path, request.body.name, request.body.root),
  );

  app.post(
    '/api/files/move',
    {
      config: { access: 'editor' },
      schema: {
        tags,
        summary: 'Move into a folder',
        body: TransferBody,
        response: { 200: MoveResult, ...errors },
      },
    },
    async (request) => {
      const result = await files.move(
        userId(request),
        request.body.paths,
        request.body.to,
        request.body.root,
      );
      return { moved: result.done, failed: result.failed };
    },
  );

  app.post(
    '/api/files/copy',
    {
      config: { access: 'editor' },
      schema: {
        tags,
        summary: 'Copy into a folder',
        body: TransferBody,
        response: { 200: CopyResult, ...errors },
      },
    },
    async (request) => {
      const result = await files.copy(
        userId(request),
        request.body.paths,
        request.body.to,
        request.body.root,
      );
      return { copied: result.done, failed: result.failed };
    },
  );

  app.post(
    '/api/files/delete',
    {
      config: { access: 'editor' },
      schema: {
        tags,
        summary: 'Delete (to the trash unless permanent); never stops at the first failure',
        body: DeleteBody,
        response: { 200: DeleteResult, ...errors },
      },
    },
    async (request) => {
      const result = await files.remove(
        request.body.paths,
        request.body.permanent === true,
        request.body.root,
      );
      return { deleted: result.done, failed: result.failed };
    },
  );

  app.get(
    '/api/trash',
    {
      config: { access: 'editor' },
      schema: { tags, summary: 'What is in the trash', response: { 200: TrashListSchema, ...errors } },
    },
    async () => ({ entries: await files.trashList() }),
  );

  app.post(
    '/api/trash/restore',
    {
      config: { access: 'editor' },
      schema: {
        tags,
        summary: 'Put entries back',
        body: RestoreBody,
        response: { 200: RestoreResult, ...errors },
      },
    },
    async (request) => {
      const result = await files.restore(request.body.ids);
      return { restored: result.done, failed: result.failed };
    },
  );

  app.post(
    '/api/trash/empty',
    {
      config: { access: 'editor' },
      schema: {
        tags,
        summary: 'Delete everything in the trash for good',
        response: { 200: EmptyResult, ...errors },
      },
    },
    async () => ({ deleted: await files.emptyTrash() }),
  );
};
