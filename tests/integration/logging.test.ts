import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, sessionCookieOf, startTestApp, type TestApp } from '../support/test-app.js';

describe('structured logs', () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    t = await startTestApp(
      { VIGIL_LOG_LEVEL: 'trace' },
      { logger: true, logStream: { write: (l) => lines.push(l) } },
    );
  });
  afterAll(() => t.close());

  it('logs JSON lines with request ids, and never a password or a session id', async () => {
    await t.inject({ method: 'POST', url: '/api/setup', payload: { username: 'owner', password: PASSWORD } });
    const login = await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'owner', password: PASSWORD },
    });
    const cookie = sessionCookieOf(login);
    await t.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    await t.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie },
      payload: { currentPassword: PASSWORD, newPassword: 'the next passphrase' },
    });
    await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'owner', password: 'wrong guess here' },
    });

    const fresh = sessionCookieOf(
      await t.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'owner', password: 'the next passphrase' },
      }),
    );
    const camera = await t.inject({
      method: 'POST',
      url: '/api/cameras',
      headers: { cookie: fresh },
      payload: { name: 'Gate', kind: 'rtsp', url: 'rtsp://gateuser:camera-secret-99@192.168.1.30/live' },
    });
    expect(camera.statusCode).toBe(201);
    await t.inject({ method: 'GET', url: '/api/cameras', headers: { cookie: fresh } });

    expect(lines.length).toBeGreaterThan(5);
    const entries = lines.map((l) => JSON.parse(l) as { reqId?: string; msg?: string });
    expect(entries.some((e) => typeof e.reqId === 'string' && e.reqId.length === 36)).toBe(true);
    const everything = lines.join('\n');
    for (const secret of [
      PASSWORD,
      'the next passphrase',
      'wrong guess here',
      cookie.split('=')[1]!,
      'camera-secret-99',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});
