import { ZipArchive } from 'archiver';
import type { FastifyReply } from 'fastify';
import { lstat, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';
import { writeHijackedHead } from '../http/api-headers.js';
import { errorResponses } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import { mimeOf } from './file-entry.js';
import { pumpFile } from './file-pump.js';
import { isHiddenEntry, type FileRootName } from './file-roots.js';
import { DownloadQuery, ZipBody, ZipQuery } from './files.schemas.js';
import { fileNotFound, isSafeName } from './path-safety.js';

/** Types a browser may show in place (previews): pictures, sound, video, PDF and plain text. */
const INLINE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
  'video/mp4',
  'video/webm',
  'video/ogg',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/webm',
  'audio/flac',
  'audio/mp4',
  'application/pdf',
  'text/plain',
]);
/** Text that could run script if rendered (HTML, SVG, XML, JS…): previewed only as plain text. */
const AS_PLAIN_TEXT = /^(text\/|application\/(json|xml|javascript|x-sh)|image\/svg\+xml)/;

/**
 * Every file response: no sniffing, and a sandbox CSP, so a file an editor uploaded can never run script in an
 * admin's browser even if it is opened directly (media and images still load for previews).
 */
function fileHeaders(reply: FastifyReply): void {
  void reply
    .header('x-content-type-options', 'nosniff')
    .header(
      'content-security-policy',
      "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'",
    )
    .header('cross-origin-resource-policy', 'same-origin');
}

/** RFC 6266 filename: ASCII fallback plus the UTF-8 name. */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export const downloadRoutes: RoutePlugin = async (app, { services }) => {
  const { files } = services;
  const tags = ['files'];

  app.get(
    '/api/files/download',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Download a file (Range, ETag); inline previews for safe types',
        querystring: DownloadQuery,
        response: errorResponses(400, 404, 416, 423),
      },
    },
    async (request, reply) => {
      const found = await (
        await files.unlocked(request.query.root)
      ).resolve(request.query.path, {
        mustExist: true,
      });
      if (found.stat?.isFile() !== true)
        throw new AppError('NOT_A_FILE', 400, 'Only files can be downloaded; zip folders.');
      const { size, mtimeMs } = found.stat;
      const name = found.segments.at(-1) ?? 'file';
      const mime = mimeOf(name) ?? 'application/octet-stream';
      const etag = `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
      const span = byteRange(request.headers.range, size);
      fileHeaders(reply);
      void reply.header('etag', etag).header('accept-ranges', 'bytes');
      const wantsInline = request.query.inline === true;
      if (wantsInline && INLINE_TYPES.has(mime)) {
        void reply.header('content-type', mime).header('content-disposition', disposition('inline', name));
      } else if (wantsInline && AS_PLAIN_TEXT.test(mime)) {
        void reply
          .header('content-type', 'text/plain; charset=utf-8')
          .header('content-disposition', disposition('inline', name));
      } else {
        // Downloads never carry a type a browser would render.
        void reply
          .header('content-type', 'application/octet-stream')
          .header('content-disposition', disposition('attachment', name));
      }
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();

      const [start, end] = span ?? [0, size - 1];
      if (span !== null) void reply.header('content-range', `bytes ${start}-${end}/${size}`);
      void reply.header('content-length', end - start + 1);
      // Opened before the head goes out: a file removed meanwhile is still a plain 404.
      const file = await open(found.abs, 'r').catch((error: unknown) => {
        throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? fileNotFound() : error;
      });
      writeHijackedHead(request, reply, span === null ? 200 : 206);
      if (request.method === 'HEAD') {
        await file.close();
        return void reply.raw.end();
      }
      await pumpFile(file, start, end, reply.raw).catch((error: unknown) => {
        request.log.warn({ err: error }, 'download cut off');
      });
      return undefined;
    },
  );

  const zip = async (paths: readonly string[], rootName: FileRootName, reply: FastifyReply) => {
    const root = await files.unlocked(rootName);
    const entries = [];
    for (const apiPath of paths) entries.push(await root.resolve(apiPath, { mustExist: true }));
    const listed = (child: string) => isSafeName(child) && !isHiddenEntry(rootName, child);
    const single = entries.length === 1 ? entries[0]?.segments.at(-1) : undefined;
    const archive = new ZipArchive({ zlib: { level: 1 } });
    // Names inside the zip are relative, '/'-separated and checked like any name: no entry can escape on unpack.
    const add = async (abs: string, name: string): Promise<void> => {
      const stat = await lstat(abs);
      if (stat.isSymbolicLink()) return;
      if (stat.isFile()) {
        archive.file(abs, { name, date: stat.mtime });
      } else if (stat.isDirectory()) {
        archive.append('', { name: `${name}/`, date: stat.mtime });
        for (const child of await readdir(abs)) {
          if (!listed(child)) continue;
          await add(path.join(abs, child), `${name}/${child}`);
        }
      }
    };
    fileHeaders(reply);
    void reply
      .header('content-type', 'application/zip')
      .header('content-disposition', disposition('attachment', `${single ?? `vigil-${rootName}`}.zip`));
    // Walk as the archive drains (archiver queues entries, not their bytes), so memory stays flat.
    void (async () => {
      try {
        for (const entry of entries) {
          const name = entry.segments.at(-1);
          if (name === undefined) {
            for (const child of await readdir(entry.abs))
              if (listed(child)) await add(path.join(entry.abs, child), child);
          } else {
            await add(entry.abs, name);
          }
        }
        await archive.finalize();
      } catch (error) {
        archive.abort();
        reply.log.error({ err: error }, 'zip failed');
      }
    })();
    return reply.send(archive);
  };

  app.post(
    '/api/files/zip',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Download files and folders as one zip (streamed)',
        body: ZipBody,
        response: errorResponses(400, 404, 423),
      },
    },
    (request, reply) => zip(request.body.paths, request.body.root ?? 'files', reply),
  );

  app.get(
    '/api/files/zip',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'The same as POST, for plain links: ?path=/a&path=/b',
        querystring: ZipQuery,
        response: errorResponses(400, 404, 423),
      },
    },
    (request, reply) =>
      zip(([] as string[]).concat(request.query.path), request.query.root ?? 'files', reply),
  );
};

/** One `bytes=a-b` range (or `-n`, `a-`) within the file; null for none or several (the whole file goes). */
function byteRange(header: string | undefined, size: number): [number, number] | null {
  const range = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!range || (range[1] === '' && range[2] === '')) return null;
  const start = range[1] === '' ? Math.max(0, size - Number(range[2])) : Number(range[1]);
  const end = range[1] === '' || range[2] === '' ? size - 1 : Math.min(size - 1, Number(range[2]));
  if (start > end || start >= size) {
    throw new AppError('RANGE_NOT_SATISFIABLE', 416, 'That range is outside the file.', {
      headers: { 'content-range': `bytes */${size}` },
    });
  }
  return [start, end];
}
