import { spawnSync } from 'node:child_process';
import { connect } from 'node:tls';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appRoot } from '../../server/config.js';
import { startBuiltServer, type ServerProcess } from '../support/server-process.js';

describe('the built server as `npm run serve` starts it', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('prints the setup URL with its one-time token on a fresh data dir', async () => {
    server = await startBuiltServer();
    const match = /\/setup\?token=([A-Za-z0-9_-]{32})/.exec(server.output());
    expect(match).not.toBeNull();
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { setupRequired: boolean };
    expect(health.setupRequired).toBe(true);
  });

  it('lists every invalid variable and exits before listening', () => {
    const result = spawnSync(process.execPath, [path.join(appRoot(), 'dist/server/main.js')], {
      env: { ...process.env, PORT: 'http', VIGIL_TLS: 'sometimes', VIGIL_ARGON2_MEMORY_KIB: '8' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    for (const name of ['PORT', 'VIGIL_TLS', 'VIGIL_ARGON2_MEMORY_KIB'])
      expect(result.stderr).toContain(name);
  });

  it('serves HTTPS with a self-signed certificate and logs its fingerprint', async () => {
    server = await startBuiltServer({ VIGIL_TLS: 'self-signed' }, 'https');
    const fingerprint = /fingerprint: ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})/.exec(server.output())?.[1];
    expect(fingerprint).toBeDefined();
    const port = Number(new URL(server.url).port);
    const peer = await new Promise<string>((resolve, reject) => {
      const socket = connect(
        { host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false },
        () => {
          resolve(socket.getPeerCertificate().fingerprint256);
          socket.end();
        },
      );
      socket.on('error', reject);
    });
    expect(peer).toBe(fingerprint);
  });
});
