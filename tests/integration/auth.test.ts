import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, sessionCookieOf, startTestApp, type TestApp } from '../support/test-app.js';

describe('sign-in, sessions and passwords', () => {
  let t: TestApp;
  afterEach(() => t.close());

  const login = (username: string, password: string, remoteAddress = '127.0.0.1') =>
    t.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

  it('signs in with an HttpOnly, SameSite=Strict cookie and knows who you are', async () => {
    t = await startTestApp();
    const { username } = await t.userWithSession('editor', 'erin');
    const response = await login(username, PASSWORD);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: expect.any(Number), username: 'erin', role: 'editor' });
    const cookie = response.cookies.find((c) => c.name === 'vigil_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie?.secure).toBeFalsy(); // plain HTTP here; see the TLS test for Secure
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await t.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: sessionCookieOf(response) },
    });
    expect(me.json()).toEqual({ id: expect.any(Number), username: 'erin', role: 'editor' });
  });

  it('stores only a hash of the session id', async () => {
    t = await startTestApp();
    const { username } = await t.userWithSession('viewer');
    const cookie = sessionCookieOf(await login(username, PASSWORD));
    const rows = await t.app.vigil.database.db.selectFrom('sessions').select('id_hash').execute();
    expect(rows.map((r) => r.id_hash)).not.toContain(cookie.split('=')[1]);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.id_hash))).toBe(true);
  });

  it('answers 401 INVALID_CREDENTIALS alike for a wrong password and an unknown user', async () => {
    t = await startTestApp();
    const { username } = await t.userWithSession('viewer');
    const wrong = await login(username, 'not the password');
    const unknown = await login('nobody-here', 'not the password');
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({
        code: 'INVALID_CREDENTIALS',
        message: 'Wrong user name or password.',
      });
      expect(response.cookies).toHaveLength(0);
    }
  });

  it('spends a full password verification on unknown users (no timing oracle)', async () => {
    t = await startTestApp();
    const { username } = await t.userWithSession('viewer');
    const median = async (name: string) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        await login(name, `wrong password ${i}`, `10.1.0.${i}`);
        times.push(performance.now() - start);
      }
      return times.sort((a, b) => a - b)[2]!;
    };
    await median(username); // warm-up: the dummy hash is made on first use
    const known = await median(username);
    const unknown = await median('ghost-user');
    // Without the dummy verification an unknown user answers in well under a millisecond.
    expect(unknown).toBeGreaterThan(known * 0.5);
  });

  it('refuses disabled users', async () => {
    t = await startTestApp();
    const { id, username } = await t.userWithSession('viewer');
    await t.app.vigil.database.db.updateTable('users').set({ disabled: 1 }).where('id', '=', id).execute();
    expect((await login(username, PASSWORD)).statusCode).toBe(401);
  });

  it('logout revokes the session on the server', async () => {
    t = await startTestApp();
    const { username } = await t.userWithSession('viewer');
    const cookie = sessionCookieOf(await login(username, PASSWORD));
    const out = await t.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'vigil_session')?.value).toBe('');
    const again = await t.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(again.statusCode).toBe(401);
  });

  it('throttles: the 11th attempt within a minute gets 429 with Retry-After at once, per (account, IP)', async () => {
    t = await startTestApp();
    const { username } = await t.userWithSession('admin', 'owner');
    for (let i = 0; i < 10; i++)
      expect((await login(username, `guess ${i}`, '10.9.9.9')).statusCode).toBe(401);
    const start = performance.now();
    const locked = await login(username, PASSWORD, '10.9.9.9'); // even the right password waits out the lock
    const elapsed = performance.now() - start;
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(t.app.vigil.services.hasher.running).toBe(0);
    expect(elapsed).toBeLessThan(1000); // answered, never slept on
    // The owner on their own device is not locked out by the attacker on the LAN.
    expect((await login(username, PASSWORD, '10.0.0.2')).statusCode).toBe(200);
    const audit = await t.app.vigil.services.audit.list(50);
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['auth.login_failed', 'auth.lockout', 'auth.login']),
    );
  });

  it('a success resets its own key', async () => {
    t = await startTestApp();
    const { username } = await t.userWithSession('viewer');
    for (let i = 0; i < 9; i++) await login(username, `guess ${i}`);
    expect((await login(username, PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < 9; i++) expect((await login(username, `guess ${i}`)).statusCode).toBe(401);
    expect((await login(username, PASSWORD)).statusCode).toBe(200);
  });

  it('stops password spraying across accounts from one IP', async () => {
    t = await startTestApp();
    const { username } = await t.userWithSession('viewer');
    for (let i = 0; i < 30; i++) await login(`user${i}`, 'spray-password', '10.6.6.6');
    expect((await login(username, PASSWORD, '10.6.6.6')).statusCode).toBe(429);
  });

  it('changes your own password: needs the old one, rotates the session, ends the others', async () => {
    t = await startTestApp();
    const { username } = await t.userWithSession('editor');
    const first = sessionCookieOf(await login(username, PASSWORD));
    const second = sessionCookieOf(await login(username, PASSWORD));
    const change = (cookie: string, currentPassword: string, newPassword: string) =>
      t.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: { cookie },
        payload: { currentPassword, newPassword },
      });

    const wrongOld = await change(first, 'not it at all', 'a brand new passphrase');
    expect(wrongOld.statusCode).toBe(403);
    expect(wrongOld.json()).toMatchObject({ code: 'WRONG_PASSWORD' });
    expect((await change(first, PASSWORD, 'short')).statusCode).toBe(400);

    const ok = await change(first, PASSWORD, 'a brand new passphrase');
    expect(ok.statusCode).toBe(204);
    const fresh = sessionCookieOf(ok);
    expect(
      (await t.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: first } })).statusCode,
    ).toBe(401);
    expect(
      (await t.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: second } })).statusCode,
    ).toBe(401);
    expect(
      (await t.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: fresh } })).statusCode,
    ).toBe(200);
    expect((await login(username, PASSWORD)).statusCode).toBe(401);
    expect((await login(username, 'a brand new passphrase')).statusCode).toBe(200);
  });

  it('hashes with argon2id at the configured cost', async () => {
    t = await startTestApp({ VIGIL_ARGON2_MEMORY_KIB: '20480', VIGIL_ARGON2_ITERATIONS: '3' });
    await t.inject({ method: 'POST', url: '/api/setup', payload: { username: 'owner', password: PASSWORD } });
    const row = await t.app.vigil.database.db
      .selectFrom('users')
      .select('password_hash')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=20480,p=1,t=3\$/);
  });
});
