import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleAtLeast, type RegisteredRoute } from '../../server/http/access.js';
import { ROLES, type Role } from '../../server/db/schema.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Walks every registered route (from the route table itself) as anonymous, viewer, editor and admin:
 * a route that forgets its access declaration fails the server's start, and a wrong one fails here.
 */
describe('every route × every role', () => {
  let t: TestApp;
  let routes: readonly RegisteredRoute[];
  const cookies = {} as Record<Role, string>;

  beforeAll(async () => {
    t = await startTestApp();
    for (const role of ROLES) cookies[role] = (await t.userWithSession(role)).cookie;
    routes = t.app.vigil.routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
  });
  afterAll(() => t.close());

  /** Fills path parameters with an id nobody has, so a permitted call cannot change real data. */
  const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, '999999').replace(/\*$/, 'some/deep/link');

  /** A body that no route accepts: authorisation must answer before validation ever looks at it. */
  const bodyFor = (route: RegisteredRoute) =>
    route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: { nonsense: true } };

  it('has a declared access on every route, and covers the API', () => {
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) expect(route.access, `${route.method} ${route.url}`).toBeDefined();
    const urls = new Set(routes.map((r) => `${r.method} ${r.url}`));
    for (const expected of [
      'GET /api/users',
      'POST /api/auth/login',
      'GET /api/ws',
      'GET /api/audit',
      'GET /api/events',
      'GET /api/detectors',
      'POST /api/detectors',
      'PUT /api/detectors/active',
      'DELETE /api/detectors/:id',
      'GET /api/cameras/:id/detection',
      'PUT /api/cameras/:id/detection',
      'GET /api/cameras/:id/recording',
      'PUT /api/cameras/:id/recording',
      'GET /api/recordings',
      'GET /api/recordings/:id/file',
      'GET /api/events/:id/recordings',
      'GET /api/recordings/playlist.m3u8',
      'GET /api/events/:id/clip.m3u8',
      'POST /api/recordings/export',
      'GET /api/recordings/thumbnails',
      'GET /api/recordings/thumbnails/:id',
      'GET /api/faces',
      'GET /api/faces/candidates',
      'GET /api/faces/samples/:id.jpg',
      'GET /api/events/:id/faces/:index.jpg',
      'POST /api/faces',
      'POST /api/faces/photo',
      'POST /api/faces/:id/samples',
      'POST /api/faces/:id/photo',
      'PATCH /api/faces/:id',
      'POST /api/faces/:id/merge',
      'DELETE /api/faces/:id',
      'DELETE /api/faces/samples/:id',
    ]) {
      expect(urls).toContain(expected);
    }
  });

  it('answers 401 to anonymous callers on every non-public route, whatever the body', async () => {
    for (const route of routes.filter((r) => r.access !== 'public')) {
      const response = await t.inject({
        method: route.method,
        url: concrete(route.url),
        ...bodyFor(route),
      });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it('answers 403 to roles below the route, and never 401/403 to roles at or above it', async () => {
    const checked: string[] = [];
    for (const route of routes.filter((r) => r.access !== 'public')) {
      // Logging out would end the session the next iterations use; its own test covers it.
      if (route.url === '/api/auth/logout') continue;
      for (const role of ROLES) {
        const response = await t.inject({
          method: route.method,
          url: concrete(route.url),
          headers: { cookie: cookies[role] },
          ...bodyFor(route),
        });
        const label = `${role} → ${route.method} ${route.url} (${String(route.access)})`;
        if (roleAtLeast(role, route.access as Role)) {
          expect([401, 403], label).not.toContain(response.statusCode);
        } else {
          expect(response.statusCode, label).toBe(403);
          expect(response.json(), label).toMatchObject({ code: 'FORBIDDEN' });
        }
        checked.push(label);
      }
    }
    expect(checked.length).toBeGreaterThan(20);
  });

  it('lets everyone reach the public routes', async () => {
    for (const route of routes.filter((r) => r.access === 'public' && r.method === 'GET')) {
      const response = await t.inject({ method: 'GET', url: concrete(route.url) });
      expect([401, 403], `${route.method} ${route.url}`).not.toContain(response.statusCode);
    }
  });

  it('only the documented routes are public', () => {
    const publicApi = routes
      .filter((r) => r.access === 'public' && r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'))
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(publicApi).toEqual([
      'GET /api/health',
      'GET /api/openapi.json',
      'POST /api/auth/login',
      'POST /api/setup',
    ]);
  });
});
