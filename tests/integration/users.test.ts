import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';

describe('users (admin)', () => {
  let t: TestApp;
  let admin: { id: number; cookie: string };
  beforeEach(async () => {
    t = await startTestApp();
    admin = await t.userWithSession('admin', 'owner');
  });
  afterEach(() => t.close());

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    cookie = admin.cookie,
  ) => t.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });

  it('creates, lists, updates and deletes users', async () => {
    const created = await call('POST', '/api/users', {
      username: 'vera',
      password: PASSWORD,
      role: 'viewer',
    });
    expect(created.statusCode).toBe(201);
    const vera = created.json<{ id: number }>();
    expect(created.json()).toMatchObject({
      username: 'vera',
      role: 'viewer',
      disabled: false,
      lastLoginAt: null,
    });

    const list = await call('GET', '/api/users');
    expect(list.json<{ username: string }[]>().map((u) => u.username)).toEqual(['owner', 'vera']);
    expect(JSON.stringify(list.json())).not.toContain('argon2');

    const promoted = await call('PATCH', `/api/users/${vera.id}`, { role: 'editor' });
    expect(promoted.json()).toMatchObject({ role: 'editor' });
    const disabled = await call('PATCH', `/api/users/${vera.id}`, { disabled: true });
    expect(disabled.json()).toMatchObject({ disabled: true });

    expect((await call('DELETE', `/api/users/${vera.id}`)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/users/${vera.id}`)).statusCode).toBe(404);
    const actions = (await call('GET', '/api/audit?limit=20')).json<{ entries: { action: string }[] }>();
    expect(actions.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['user.created', 'user.updated', 'user.deleted']),
    );
  });

  it('refuses duplicate names (any case) and weak passwords', async () => {
    await call('POST', '/api/users', { username: 'vera', password: PASSWORD, role: 'viewer' });
    const dup = await call('POST', '/api/users', { username: 'VERA', password: PASSWORD, role: 'viewer' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'USERNAME_TAKEN' });
    const weak = await call('POST', '/api/users', { username: 'walter', password: 'short', role: 'viewer' });
    expect(weak.json()).toMatchObject({ code: 'WEAK_PASSWORD' });
    const same = await call('POST', '/api/users', {
      username: 'walter1234',
      password: 'Walter1234',
      role: 'viewer',
    });
    expect(same.json()).toMatchObject({ code: 'WEAK_PASSWORD' });
    const role = await call('POST', '/api/users', { username: 'walter', password: PASSWORD, role: 'root' });
    expect(role.statusCode).toBe(400);
  });

  it('never lets the last admin be demoted, disabled or deleted', async () => {
    for (const [method, payload] of [
      ['PATCH', { role: 'editor' }],
      ['PATCH', { disabled: true }],
      ['DELETE', undefined],
    ] as const) {
      const response = await call(method, `/api/users/${admin.id}`, payload);
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'LAST_ADMIN' });
    }
    const second = (
      await call('POST', '/api/users', { username: 'alex', password: PASSWORD, role: 'admin' })
    ).json<{
      id: number;
    }>();
    expect((await call('PATCH', `/api/users/${admin.id}`, { role: 'editor' })).statusCode).toBe(200);
    // Now alex is the last admin.
    expect((await call('DELETE', `/api/users/${second.id}`, undefined, admin.cookie)).statusCode).toBe(403);
  });

  it('ends sessions on password reset, disable and deletion; a role change applies at once', async () => {
    const editor = await t.userWithSession('editor', 'ed');
    const me = () => t.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: editor.cookie } });

    expect((await call('PATCH', `/api/users/${editor.id}`, { role: 'viewer' })).statusCode).toBe(200);
    expect((await me()).json()).toMatchObject({ role: 'viewer' });

    expect(
      (await call('PATCH', `/api/users/${editor.id}`, { password: 'reset by the admin' })).statusCode,
    ).toBe(200);
    expect((await me()).statusCode).toBe(401);

    const again = await t.cookieFor(editor.id);
    await call('PATCH', `/api/users/${editor.id}`, { disabled: true });
    expect(
      (await t.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: again } })).statusCode,
    ).toBe(401);

    await call('PATCH', `/api/users/${editor.id}`, { disabled: false });
    const third = await t.cookieFor(editor.id);
    await call('DELETE', `/api/users/${editor.id}`);
    expect(
      (await t.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: third } })).statusCode,
    ).toBe(401);
  });

  it('validates ids and empty patches', async () => {
    expect((await call('PATCH', '/api/users/abc', { role: 'viewer' })).statusCode).toBe(400);
    expect((await call('PATCH', `/api/users/${admin.id}`, {})).statusCode).toBe(400);
    expect((await call('PATCH', '/api/users/424242', { role: 'viewer' })).json()).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
