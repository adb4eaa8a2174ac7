import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { AppError } from '../../errors.js';
import { requireUser } from '../../http/access.js';
import { apiHeaders } from '../../http/api-headers.js';
import { errorResponses } from '../../http/schemas.js';
import type { RoutePlugin } from '../../http/types.js';
import { TUS_PATH, UPLOADED_PATH_HEADER } from './tus-uploads.js';
import { TusAnswer, UploadIdParams, UploadQuery, UploadResult } from './uploads.schemas.js';

/** Most files one multipart request may carry, and the small form fields it may have beside them. */
const MAX_FILES_PER_REQUEST = 1000;
const MAX_FIELDS = 10;
const MAX_FIELD_BYTES = 1024;

const TUS_DESCRIPTION =
  'tus 1.0 (creation, creation-with-upload, termination, expiration). Upload-Metadata keys: `filename` ' +
  '(required; reduced to a safe base name), `path` (target folder, default "/"), `root` (files, the default; ' +
  'recordings is 403 READ_ONLY), `conflict` (rename | ' +
  'overwrite | fail). Partial data stays inside the vault; the request that completes an upload moves it ' +
  `into its folder and answers \`${UPLOADED_PATH_HEADER}\` (the file's path, percent-encoded).`;

/**
 * Uploads: tus at /api/uploads and multipart at /api/files/upload, for editors and admins. Every request goes
 * through fastify first, so the Host, Origin, session and role guards run before tus or busboy read a byte.
 */
export const uploadsRoutes: RoutePlugin = async (app, { services }) => {
  const { uploads } = services;
  const tags = ['files'];
  const errors = errorResponses(400, 404, 409, 413, 423, 507);

  await app.register(async (scope) => {
    const tus = scope.withTypeProvider<TypeBoxTypeProvider>();
    // tus reads the body from the raw request itself: this parser leaves the stream untouched.
    tus.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => {
      done(null);
    });

    const serve = async (request: FastifyRequest, reply: FastifyReply, id: string | null) => {
      const { userId } = requireUser(request);
      const finished = await uploads.tus.admit({
        method: request.method,
        id,
        headers: request.headers,
        userId,
      });
      if (finished !== null) {
        return reply
          .code(200)
          .headers({
            'tus-resumable': '1.0.0',
            'upload-offset': String(finished.size),
            'upload-length': String(finished.size),
            [UPLOADED_PATH_HEADER]: encodeURIComponent(finished.entry.path),
          })
          .send();
      }
      // Hijacked replies skip the app's onSend hook: give tus's answers the same headers as every API answer.
      for (const [name, value] of Object.entries(apiHeaders(request))) reply.raw.setHeader(name, value);
      reply.hijack();
      await uploads.tus.handle(request.raw, reply.raw, userId);
      return undefined;
    };

    const collection = (method: HTTPMethods, summary: string, status: number) =>
      tus.route({
        method,
        url: TUS_PATH,
        config: { access: 'editor' },
        schema: { tags, summary, description: TUS_DESCRIPTION, response: { [status]: TusAnswer, ...errors } },
        handler: (request, reply) => serve(request, reply, null),
      });
    collection('POST', 'Start a resumable (tus) upload', 201);
    collection('OPTIONS', 'What the tus server supports (Tus-Version, Tus-Extension, Tus-Max-Size)', 204);

    const item = (method: HTTPMethods, summary: string, status: number) =>
      tus.route({
        method,
        url: `${TUS_PATH}/:id`,
        config: { access: 'editor' },
        schema: {
          tags,
          summary,
          description: TUS_DESCRIPTION,
          params: UploadIdParams,
          response: { [status]: TusAnswer, ...errors },
        },
        handler: (request, reply) => serve(request, reply, request.params.id),
      });
    item('HEAD', 'Where a tus upload stands (Upload-Offset), to resume it', 200);
    item(
      'PATCH',
      'Send the next bytes of a tus upload (Upload-Offset, application/offset+octet-stream)',
      204,
    );
    item('DELETE', 'Cancel a tus upload and remove its partial data', 204);
  });

  // @fastify/multipart only in this scope: no other route parses multipart bodies.
  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(multipart, {
      throwFileSizeLimit: false, // a file over the limit fails alone (413 in `failed`), not the whole request
      limits: {
        fileSize: uploads.maxBytes,
        files: MAX_FILES_PER_REQUEST,
        fields: MAX_FIELDS,
        fieldSize: MAX_FIELD_BYTES,
        parts: MAX_FILES_PER_REQUEST + MAX_FIELDS,
      },
    });
    scope.post(
      '/api/files/upload',
      {
        config: { access: 'editor' },
        schema: {
          tags,
          summary:
            'Upload files (multipart/form-data, parts named "file"); a bad part does not stop the others',
          consumes: ['multipart/form-data'],
          querystring: UploadQuery,
          response: { 201: UploadResult, ...errors },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart()) {
          throw new AppError('NOT_MULTIPART', 415, 'Send the files as multipart/form-data.');
        }
        const length = Number(request.headers['content-length']);
        const outcome = await uploads.multipart.receive({
          parts: request.parts(),
          path: request.query.path,
          root: request.query.root,
          conflict: request.query.conflict,
          contentLength: Number.isSafeInteger(length) ? length : undefined,
          abort: () => request.raw.destroy(),
        });
        return reply.code(201).send(outcome);
      },
    );
  });
};
