import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';

describe('CSRF and DNS-rebinding guards', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp({ VIGIL_HOSTNAMES: 'vigil.home.arpa' });
    cookie = (await t.userWithSession('admin', 'owner')).cookie;
  });
  afterAll(() => t.close());

  const createUser = (headers: Record<string, string>, username: string) =>
    t.inject({
      method: 'POST',
      url: '/api/users',
      headers: { cookie, ...headers },
      payload: { username, password: PASSWORD, role: 'viewer' },
    });

  it('refuses a state-changing request from another origin with 403', async () => {
    const response = await createUser({ origin: 'http://evil.example' }, 'csrf1');
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'ORIGIN_MISMATCH' });
    const viaReferer = await createUser({ referer: 'http://evil.example/page' }, 'csrf2');
    expect(viaReferer.json()).toMatchObject({ code: 'ORIGIN_MISMATCH' });
    const nullOrigin = await createUser({ origin: 'null' }, 'csrf3');
    expect(nullOrigin.statusCode).toBe(403);
    const otherPort = await createUser({ origin: 'http://localhost:9999' }, 'csrf4');
    expect(otherPort.statusCode).toBe(403);
    const otherScheme = await createUser({ origin: 'https://localhost:80' }, 'csrf5');
    expect(otherScheme.statusCode).toBe(403);
    const names = (await t.inject({ method: 'GET', url: '/api/users', headers: { cookie } })).json<
      { username: string }[]
    >();
    expect(names.map((u) => u.username)).toEqual(['owner']);
  });

  it('refuses cross-origin login too (login CSRF)', async () => {
    const response = await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'http://evil.example' },
      payload: { username: 'owner', password: PASSWORD },
    });
    expect(response.statusCode).toBe(403);
  });

  it('accepts same-origin requests, and requests with neither Origin nor Referer (scripts)', async () => {
    expect((await createUser({ origin: 'http://localhost:80' }, 'same1')).statusCode).toBe(201);
    expect((await createUser({ origin: 'http://localhost' }, 'same2')).statusCode).toBe(201);
    expect((await createUser({ referer: 'http://localhost/users' }, 'same3')).statusCode).toBe(201);
    expect((await createUser({}, 'script1')).statusCode).toBe(201);
  });

  it('refuses Host headers it does not answer to (DNS rebinding), on every route', async () => {
    for (const url of ['/api/health', '/api/users', '/']) {
      const response = await t.inject({ method: 'GET', url, headers: { host: 'attacker.example', cookie } });
      expect(response.statusCode, url).toBe(403);
      expect(response.json()).toMatchObject({ code: 'HOST_NOT_ALLOWED' });
    }
  });

  it('answers to localhost, loopback addresses and configured names', async () => {
    for (const host of [
      'localhost:8080',
      '127.0.0.1:8080',
      '[::1]:8080',
      'vigil.home.arpa',
      'VIGIL.HOME.ARPA.',
    ]) {
      expect(
        (await t.inject({ method: 'GET', url: '/api/health', headers: { host } })).statusCode,
        host,
      ).toBe(200);
    }
  });

  it('a configured name is a valid origin for that name', async () => {
    const response = await createUser(
      { host: 'vigil.home.arpa', origin: 'http://vigil.home.arpa' },
      'named1',
    );
    expect(response.statusCode).toBe(201);
  });
});
