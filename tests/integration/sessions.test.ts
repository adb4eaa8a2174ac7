import { afterEach, describe, expect, it } from 'vitest';
import { TOUCH_INTERVAL_MS } from '../../server/auth/sessions.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('session lifetime', () => {
  let t: TestApp;
  let clock = Date.parse('2026-11-25T10:00:00Z');
  const now = () => new Date(clock);
  afterEach(() => t.close());

  const me = (cookie: string) => t.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
  const lastSeen = async () =>
    (await t.app.vigil.database.db.selectFrom('sessions').select('last_seen_at').executeTakeFirstOrThrow())
      .last_seen_at;

  it('writes last-seen at most once a minute: reads do not write', async () => {
    t = await startTestApp({}, { now });
    const { cookie } = await t.userWithSession('viewer');
    const created = await lastSeen();
    clock += 30_000;
    expect((await me(cookie)).statusCode).toBe(200);
    expect(await lastSeen()).toBe(created);
    clock += TOUCH_INTERVAL_MS;
    expect((await me(cookie)).statusCode).toBe(200);
    expect(await lastSeen()).toBe(clock);
  });

  it('ends a session after the idle timeout', async () => {
    t = await startTestApp({ VIGIL_SESSION_IDLE_MINUTES: '30' }, { now });
    const { cookie } = await t.userWithSession('viewer');
    clock += 29 * 60_000;
    expect((await me(cookie)).statusCode).toBe(200);
    clock += 29 * 60_000; // active 29 minutes ago: still fine
    expect((await me(cookie)).statusCode).toBe(200);
    clock += 31 * 60_000;
    expect((await me(cookie)).statusCode).toBe(401);
  });

  it('ends a session at its absolute expiry even when in use', async () => {
    t = await startTestApp({ VIGIL_SESSION_MAX_DAYS: '1' }, { now });
    const { cookie } = await t.userWithSession('viewer');
    for (let hour = 0; hour < 23; hour++) {
      clock += 3_600_000;
      expect((await me(cookie)).statusCode).toBe(200);
    }
    clock += 3_600_000;
    expect((await me(cookie)).statusCode).toBe(401);
  });

  it('sweeps expired sessions out of the database', async () => {
    t = await startTestApp({ VIGIL_SESSION_IDLE_MINUTES: '5' }, { now });
    await t.userWithSession('viewer');
    clock += 6 * 60_000;
    await t.app.vigil.services.sessions.sweepExpired();
    expect(await t.app.vigil.database.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
  });

  it('ignores malformed and unknown cookies', async () => {
    t = await startTestApp({}, { now });
    for (const cookie of ['vigil_session=', 'vigil_session=abc', `vigil_session=${'A'.repeat(43)}`]) {
      expect((await me(cookie)).json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });
});
