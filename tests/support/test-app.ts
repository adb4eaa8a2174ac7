import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildOptions } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { Role } from '../../server/db/schema.js';

/** The cheapest argon2id cost the config accepts (OWASP's floor), so tests hash in milliseconds. */
export const TEST_ENV = { VIGIL_ARGON2_MEMORY_KIB: '19456', VIGIL_ARGON2_ITERATIONS: '2' } as const;
export const PASSWORD = 'correct horse battery staple';

export interface TestApp {
  app: FastifyInstance;
  dataDir: string;
  close(): Promise<void>;
  /** Creates a user straight through the repository-backed service and returns a session cookie for them. */
  userWithSession(role: Role, username?: string): Promise<{ id: number; username: string; cookie: string }>;
  cookieFor(userId: number): Promise<string>;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
}

let counter = 0;

/** The real app on a real SQLite file in a fresh temp dir, with a tiny built front end of its own. */
export async function startTestApp(
  env: Record<string, string> = {},
  options: BuildOptions = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-test-'));
  const frontendDir = path.join(dataDir, 'frontend');
  mkdirSync(frontendDir);
  writeFileSync(path.join(frontendDir, 'index.html'), '<!doctype html><title>Vigil test shell</title>');
  const config = loadConfig({
    ...TEST_ENV,
    VIGIL_DATA_DIR: dataDir,
    VIGIL_FRONTEND_DIR: frontendDir,
    // Features that write into the vault are tested on the development vault; tests/vault has the real one.
    VIGIL_VAULT: `dir:${path.join(dataDir, 'dev-vault')}`,
    VIGIL_ALLOW_INSECURE_VAULT: '1',
    ...env,
  });
  const app = await buildApp(config, { logger: false, ...options });
  const { services, database } = app.vigil;

  const cookieFor = async (userId: number) => {
    const { token } = await services.sessions.create(userId, { ip: '127.0.0.1', userAgent: 'test' });
    return `vigil_session=${token}`;
  };
  return {
    app,
    dataDir,
    inject: (o) => app.inject(o),
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    cookieFor,
    userWithSession: async (role, username = `${role}${++counter}`) => {
      const row = await database.db
        .insertInto('users')
        .values({
          username,
          password_hash: await services.hasher.hash(PASSWORD),
          role,
          disabled: 0,
          created_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: row.id, username, cookie: await cookieFor(row.id) };
    },
  };
}

/** Reads the session cookie (name=value) out of a response. */
export function sessionCookieOf(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'vigil_session');
  if (!cookie) throw new Error(`no session cookie in response ${response.statusCode}: ${response.body}`);
  return `vigil_session=${cookie.value}`;
}
