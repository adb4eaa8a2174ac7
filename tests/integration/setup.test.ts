import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';

describe('first-run setup', () => {
  let t: TestApp;
  afterEach(() => t.close());

  const setup = (
    body: Record<string, unknown>,
    remoteAddress = '127.0.0.1',
    headers: Record<string, string> = {},
  ) => t.inject({ method: 'POST', url: '/api/setup', payload: body, remoteAddress, headers });

  it('creates the first admin from the machine itself, then answers 409', async () => {
    t = await startTestApp();
    expect((await t.inject({ method: 'GET', url: '/api/health' })).json()).toMatchObject({
      setupRequired: true,
    });
    const first = await setup({ username: 'owner', password: PASSWORD });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ username: 'owner', role: 'admin', disabled: false });
    expect(first.json()).not.toHaveProperty('password_hash');
    expect((await t.inject({ method: 'GET', url: '/api/health' })).json()).toMatchObject({
      setupRequired: false,
    });
    const second = await setup({ username: 'intruder', password: PASSWORD });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toEqual({ code: 'SETUP_ALREADY_DONE', message: expect.any(String) });
  });

  it('refuses a LAN address without the one-time token, and accepts it with the token', async () => {
    t = await startTestApp();
    const refused = await setup({ username: 'owner', password: PASSWORD }, '192.168.1.50');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'SETUP_TOKEN_REQUIRED' });
    const wrong = await setup({ username: 'owner', password: PASSWORD, token: 'guess' }, '192.168.1.50');
    expect(wrong.statusCode).toBe(403);
    const token = t.app.vigil.services.setup.token;
    expect(token.length).toBeGreaterThanOrEqual(32);
    const ok = await setup({ username: 'owner', password: PASSWORD, token }, '192.168.1.50');
    expect(ok.statusCode).toBe(201);
  });

  it('does not treat a proxied request from 127.0.0.1 as local', async () => {
    t = await startTestApp();
    const proxied = await setup({ username: 'owner', password: PASSWORD }, '127.0.0.1', {
      'x-forwarded-for': '203.0.113.9',
    });
    expect(proxied.statusCode).toBe(403);
    expect(proxied.json()).toMatchObject({ code: 'SETUP_TOKEN_REQUIRED' });
  });

  it('creates exactly one admin when two setups race', async () => {
    t = await startTestApp();
    const results = await Promise.all(
      ['alice', 'bob', 'carol'].map((username) => setup({ username, password: PASSWORD })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    expect(await t.app.vigil.database.db.selectFrom('users').selectAll().execute()).toHaveLength(1);
  });

  it('applies the password rules and leaves no user behind on bad input', async () => {
    t = await startTestApp();
    const short = await setup({ username: 'owner', password: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ code: 'WEAK_PASSWORD' });
    const same = await setup({ username: 'owner-name', password: 'OWNER-NAME' });
    expect(same.json()).toMatchObject({ code: 'WEAK_PASSWORD' });
    const badName = await setup({ username: 'a b', password: PASSWORD });
    expect(badName.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const missing = await setup({ username: 'owner' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await t.inject({ method: 'GET', url: '/api/health' })).json()).toMatchObject({
      setupRequired: true,
    });
  });

  it('audits the creation of the first admin', async () => {
    t = await startTestApp();
    await setup({ username: 'owner', password: PASSWORD });
    const entries = await t.app.vigil.services.audit.list(10);
    expect(entries.map((e) => e.action)).toContain('setup.admin_created');
  });
});
