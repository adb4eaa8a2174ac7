import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import { appRoot } from '../config.js';
import type { Database } from './schema.js';

export class MigrationError extends Error {
  constructor(migration: string, cause: unknown) {
    super(`Database migration "${migration}" failed; Vigil will not start on a half-migrated database.`, {
      cause,
    });
    this.name = 'MigrationError';
  }
}

/** Migrations sit in <app>/migrations (source) or <app>/dist/migrations (built), named with an ISO date. */
export function migrationsDir(): string {
  const root = appRoot();
  const fromDist = fileURLToPath(import.meta.url).startsWith(path.join(root, 'dist') + path.sep);
  return path.join(root, fromDist ? 'dist/migrations' : 'migrations');
}

const MIGRATION_FILE = /^\d{4}-\d{2}-\d{2}T[\w-]+\.(ts|js)$/;

class FolderMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const file of readdirSync(this.dir)
      .filter((f) => MIGRATION_FILE.test(f))
      .sort()) {
      const module = (await import(pathToFileURL(path.join(this.dir, file)).href)) as Migration;
      migrations[file.replace(/\.(ts|js)$/, '')] = module;
    }
    return migrations;
  }
}

/**
 * Kysely prepares every query anew and better-sqlite3 compiles SQL on each prepare(), which was a tenth of the
 * CPU of an authenticated request under load (bench:files). Compiled statements are reused by their SQL text
 * (bounded, newest kept); one busy iterating is never handed out twice.
 */
function withStatementCache(sqlite: SQLite.Database, size = 256): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (sql: string): SQLite.Statement => {
    const hit = cache.get(sql);
    if (hit !== undefined && !hit.busy) {
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const statement = sqlite.prepare(sql);
    cache.set(sql, statement);
    if (cache.size > size) cache.delete(cache.keys().next().value ?? '');
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly sqlite: SQLite.Database;
  close(): Promise<void>;
}

/** Opens (creating if needed) `<dataDir>/vigil.db` with WAL, foreign keys and a busy timeout, then migrates. */
export async function openDatabase(dataDir: string, file = 'vigil.db'): Promise<OpenDatabase> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new SQLite(path.join(dataDir, file));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  try {
    await migrate(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, sqlite, close: () => db.destroy() };
}

export async function migrate(db: Kysely<Database>, dir = migrationsDir()): Promise<void> {
  const migrator = new Migrator({ db, provider: new FolderMigrationProvider(dir) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(failed, error);
  }
}
