import { networkInterfaces } from 'node:os';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { MigrationError } from './db/database.js';
import { loadTls } from './tls.js';

/** Addresses a person can type into a browser to reach this server. */
function reachableUrls(scheme: string, host: string, port: number): string[] {
  const wildcard = host === '0.0.0.0' || host === '::';
  const lan = wildcard
    ? Object.values(networkInterfaces())
        .flatMap((list) => list ?? [])
        .filter((info) => !info.internal && info.family === 'IPv4')
        .map((info) => info.address)
    : [];
  const hosts = wildcard ? ['localhost', ...lan] : [host.includes(':') ? `[${host}]` : host];
  return hosts.map((h) => `${scheme}://${h}:${port}`);
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`vigil: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const tls = await loadTls(config.tls, config.dataDir);
  let app;
  try {
    app = await buildApp(config, { tls, media: config.media });
  } catch (error) {
    if (error instanceof MigrationError) {
      process.stderr.write(`vigil: ${error.message}\n  cause: ${String(error.cause)}\n`);
      process.exit(3);
    }
    throw error;
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const urls = reachableUrls(tls ? 'https' : 'http', config.host, port);
  if (tls) app.log.info({ fingerprint: tls.fingerprint }, 'TLS certificate SHA-256 fingerprint');

  const lines = [`Vigil ${app.vigil.services.version} is running: ${urls.join('  ')}`];
  if (tls) lines.push(`TLS certificate SHA-256 fingerprint: ${tls.fingerprint}`);
  if (await app.vigil.services.setup.isRequired()) {
    const token = app.vigil.services.setup.token;
    // The token is meant to be seen by whoever has the console or the log: that is the point of it.
    app.log.info({ setupToken: token }, 'first run: no admin yet; open the setup URL to create one');
    lines.push('First run: create the admin account at');
    for (const url of urls) lines.push(`    ${url}/setup?token=${token}`);
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `vigil: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
