import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../server/ws/protocol.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** A connected client that records every message and how the socket closed. */
interface Probe {
  socket: WebSocket;
  messages: ServerMessage[];
  closed: Promise<{ code: number; reason: string }>;
  next(type: ServerMessage['type']): Promise<ServerMessage>;
}

describe('/api/ws', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    base = `127.0.0.1:${address.port}`;
  });
  afterAll(() => t.close());

  /** Resolves with the HTTP status of a refused upgrade, or a probe once open. */
  const connect = (headers: Record<string, string>) =>
    new Promise<Probe | number>((resolve, reject) => {
      const socket = new WebSocket(`ws://${base}/api/ws`, { headers });
      const messages: ServerMessage[] = [];
      const waiters: { type: string; resolve: (m: ServerMessage) => void }[] = [];
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as ServerMessage;
        messages.push(message);
        const i = waiters.findIndex((w) => w.type === message.type);
        if (i >= 0) waiters.splice(i, 1)[0]!.resolve(message);
      });
      const closed = new Promise<{ code: number; reason: string }>((done) =>
        socket.on('close', (code, reason) => done({ code, reason: reason.toString() })),
      );
      socket.on('unexpected-response', (req, res) => {
        // With this listener ws leaves the refused request open; end it, or the server cannot close.
        req.destroy();
        resolve(res.statusCode ?? 0);
      });
      socket.on('error', (error) => {
        if (socket.readyState !== WebSocket.CLOSED) reject(error);
      });
      socket.on('open', () =>
        resolve({
          socket,
          messages,
          closed,
          next: (type) => {
            const seen = messages.find((m) => m.type === type);
            return seen ? Promise.resolve(seen) : new Promise((r) => waiters.push({ type, resolve: r }));
          },
        }),
      );
    });

  const open = async (cookie: string): Promise<Probe> => {
    const probe = await connect({ cookie, origin: `http://${base}` });
    if (typeof probe === 'number') throw new Error(`upgrade refused with ${probe}`);
    return probe;
  };

  it('refuses anonymous upgrades with 401', async () => {
    expect(await connect({ origin: `http://${base}` })).toBe(401);
  });

  it('refuses cross-origin upgrades with 403, even with a valid session', async () => {
    const { cookie } = await t.userWithSession('admin');
    expect(await connect({ cookie, origin: 'http://evil.example' })).toBe(403);
  });

  it('says hello with the user, answers pings, and rejects malformed messages', async () => {
    const { cookie, username } = await t.userWithSession('viewer');
    const probe = await open(cookie);
    expect(await probe.next('hello')).toEqual({
      type: 'hello',
      user: { id: expect.any(Number), username, role: 'viewer' },
    });
    probe.socket.send(JSON.stringify({ type: 'ping', id: 'p1' }));
    expect(await probe.next('pong')).toEqual({ type: 'pong', id: 'p1' });
    probe.socket.send('not json');
    probe.socket.send(JSON.stringify({ type: 'ping', id: 7 }));
    probe.socket.send(JSON.stringify({ type: 'launch-missiles' }));
    await new Promise((r) => setTimeout(r, 100));
    const codes = probe.messages.flatMap((m) => (m.type === 'error' ? [m.code] : []));
    expect(codes).toEqual(['INVALID_MESSAGE', 'INVALID_MESSAGE', 'UNKNOWN_MESSAGE']);
    probe.socket.close();
  });

  it('pushes to one user, one role, or everyone', async () => {
    const a = await t.userWithSession('admin');
    const v = await t.userWithSession('viewer');
    const [admin, viewer] = [await open(a.cookie), await open(v.cookie)];
    await Promise.all([admin.next('hello'), viewer.next('hello')]);
    const { hub } = t.app.vigil.services;
    hub.sendToUser(v.id, { type: 'event', topic: 'to-user', data: 1 });
    hub.sendToRole('admin', { type: 'event', topic: 'to-admins', data: 2 });
    hub.broadcast({ type: 'event', topic: 'to-all', data: 3 });
    await new Promise((r) => setTimeout(r, 100));
    const topics = (p: Probe) => p.messages.flatMap((m) => (m.type === 'event' ? [m.topic] : []));
    expect(topics(viewer)).toEqual(['to-user', 'to-all']);
    expect(topics(admin)).toEqual(['to-admins', 'to-all']);
    admin.socket.close();
    viewer.socket.close();
  });

  it('closes the socket when its session is revoked (logout elsewhere)', async () => {
    const { cookie } = await t.userWithSession('editor');
    const probe = await open(cookie);
    await probe.next('hello');
    const logout = await t.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(logout.statusCode).toBe(204);
    expect(await probe.closed).toEqual({ code: 4001, reason: 'session ended' });
    expect(probe.messages.map((m) => m.type)).toContain('session.revoked');
  });

  it('closes every socket of a user who is deleted', async () => {
    const admin = await t.userWithSession('admin');
    const victim = await t.userWithSession('viewer');
    const probe = await open(victim.cookie);
    await probe.next('hello');
    await t.inject({ method: 'DELETE', url: `/api/users/${victim.id}`, headers: { cookie: admin.cookie } });
    expect((await probe.closed).code).toBe(4001);
  });

  it('tells every signed-in tab when the vault locks and unlocks', async () => {
    const admin = await t.userWithSession('admin');
    const viewer = await t.userWithSession('viewer');
    const probe = await open(viewer.cookie);
    await probe.next('hello');
    const lock = await t.inject({
      method: 'POST',
      url: '/api/vault/lock',
      headers: { cookie: admin.cookie },
      payload: {},
    });
    expect(lock.statusCode).toBe(200);
    expect(await probe.next('event')).toEqual({ type: 'event', topic: 'vault', data: { state: 'locked' } });
    await t.inject({
      method: 'POST',
      url: '/api/vault/unlock',
      headers: { cookie: admin.cookie },
      payload: { passphrase: 'x' },
    });
    await expect.poll(() => probe.messages.filter((m) => m.type === 'event').length).toBe(2);
    expect(probe.messages.filter((m) => m.type === 'event').at(-1)).toEqual({
      type: 'event',
      topic: 'vault',
      data: { state: 'unlocked' },
    });
    probe.socket.close();
  });
});
