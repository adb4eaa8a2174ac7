import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { markRoutesPublic } from './access.js';

/** The app's own policy: scripts and styles only from us, sockets to us, nothing may frame it. */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self' ws: wss:",
  "font-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const appHeaders = {
  'content-security-policy': APP_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
} as const;

/**
 * Serves the built front end at `/` with a history fallback: a deep link such as /live gets index.html and
 * the client router takes over. Unknown /api paths and missing assets stay 404 JSON.
 */
export async function registerFrontend(app: FastifyInstance, frontendDir: string): Promise<void> {
  const indexFile = path.join(frontendDir, 'index.html');
  const built = existsSync(indexFile);
  // Kept in memory: it is small, and the fallback must not depend on the static plugin's decorators.
  const indexHtml = built ? readFileSync(indexFile) : Buffer.alloc(0);
  const sendIndex = (reply: FastifyReply) => {
    void reply.headers({ ...appHeaders, 'cache-control': 'no-cache' });
    if (!built) {
      return reply
        .type('text/plain; charset=utf-8')
        .send('The Vigil front end is not built. Run `npm run build` (or `npm start`, which builds it).');
    }
    return reply.type('text/html; charset=utf-8').send(indexHtml);
  };

  await app.register(async (site) => {
    markRoutesPublic(site);
    // The static plugin answers a directory (and so `/`) with 403; the app's root is its index page.
    site.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
    if (built) {
      await site.register(fastifyStatic, {
        root: frontendDir,
        index: false,
        wildcard: true,
        setHeaders: (res, file) => {
          for (const [name, value] of Object.entries(appHeaders)) void res.header(name, value);
          // Vite fingerprints everything under assets/, so those may be cached for good; index.html never.
          const immutable = file.includes(`${path.sep}assets${path.sep}`);
          void res.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    }
  });

  app.setNotFoundHandler(async (request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    const wantsPage =
      (request.method === 'GET' || request.method === 'HEAD') && !url.startsWith('/api/') && url !== '/api';
    if (!wantsPage || path.extname(url) !== '') {
      return reply.code(404).send({ code: 'NOT_FOUND', message: `No route for ${request.method} ${url}.` });
    }
    return sendIndex(reply);
  });
}
