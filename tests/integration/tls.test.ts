import { request } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTls } from '../../server/tls.js';
import { PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';

/** One HTTPS request that trusts the given certificate only (as a browser would after the owner accepts it). */
function httpsPost(port: number, ca: string, path: string, body: object) {
  return new Promise<{ status: number; setCookie: string[] }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        ca,
        servername: 'localhost',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('TLS', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('makes a self-signed certificate once, keeps it, and serves HTTPS with Secure cookies', async () => {
    t = await startTestApp();
    const first = await loadTls({ mode: 'self-signed' }, t.dataDir);
    const second = await loadTls({ mode: 'self-signed' }, t.dataDir);
    expect(first?.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(second?.fingerprint).toBe(first?.fingerprint);
    await t.close();

    t = await startTestApp({}, { tls: first });
    await t.app.vigil.services.setup.createFirstAdmin({
      username: 'owner',
      password: PASSWORD,
      fromLoopback: true,
      ip: '127.0.0.1',
    });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    // The certificate names localhost, so a client that trusts it verifies the connection.
    const response = await httpsPost(port, first!.cert, '/api/auth/login', {
      username: 'owner',
      password: PASSWORD,
    });
    expect(response.status).toBe(200);
    const cookie = response.setCookie.find((c) => c.startsWith('vigil_session='));
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
  });

  it('marks the cookie Secure behind a TLS-terminating proxy it trusts', async () => {
    t = await startTestApp({ VIGIL_TRUST_PROXY: '127.0.0.1' });
    await t.userWithSession('viewer', 'vic');
    const response = await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '192.168.1.20' },
      payload: { username: 'vic', password: PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    expect(response.cookies.find((c) => c.name === 'vigil_session')?.secure).toBe(true);
  });
});
