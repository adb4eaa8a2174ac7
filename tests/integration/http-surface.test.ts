import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('HTTP surface: OpenAPI, docs, static front end, errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('publishes an OpenAPI document that lists every API route', async () => {
    const response = await t.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const apiRoutes = t.app.vigil.routes
      .filter(
        (r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs') && r.url !== '/api/openapi.json',
      )
      .filter((r) => r.method !== 'HEAD' && !r.websocket)
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    for (const route of apiRoutes) expect(documented, route).toContain(route);
    // @fastify/websocket hides upgrade routes from OpenAPI, so the socket is described in the document's text.
    expect(JSON.stringify(doc)).toContain('/api/ws');
  });

  it('serves a docs page', async () => {
    const response = await t.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(response.statusCode);
    const page = await t.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
  });

  it('serves the front end with a history fallback for deep links, with a strict CSP', async () => {
    for (const url of ['/', '/live', '/users/42', '/setup?token=abc']) {
      const response = await t.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toContain('Vigil test shell');
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    const asset = await t.inject({ method: 'GET', url: '/index.html' });
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers unknown API paths and missing assets with a JSON 404', async () => {
    for (const url of ['/api/nope', '/api/users/1/whatever', '/assets/missing.js']) {
      const response = await t.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('turns malformed JSON into a 400 with a code, never a stack trace', async () => {
    const response = await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ code: expect.any(String), message: expect.any(String) });
    expect(response.body).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('tags every response with a request id and keeps API answers out of caches', async () => {
    const response = await t.inject({ method: 'GET', url: '/api/health' });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['cache-control']).toBe('no-store');
  });
});
