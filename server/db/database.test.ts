import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../config.js';
import { MigrationError, migrate, openDatabase } from './database.js';
import type { Database } from './schema.js';
import { dumpSchema } from './schema-dump.js';

describe('database', () => {
  it('opens with WAL, foreign keys and a busy timeout, migrated', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-db-'));
    const database = await openDatabase(dir);
    const sqlite = database.sqlite;
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    const tables = sqlite.prepare("select name from sqlite_master where type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['users', 'sessions', 'audit_log']));
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops with a MigrationError that names the failing migration', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-migrations-'));
    writeFileSync(
      path.join(dir, '2026-01-01T00-good.js'),
      'export async function up(db) { await db.schema.createTable("a").addColumn("x", "integer").execute(); }',
    );
    writeFileSync(
      path.join(dir, '2026-01-02T00-broken.js'),
      'export async function up() { throw new Error("disk on fire"); }',
    );
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    const failure = await migrate(db, dir).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as Error).message).toContain('2026-01-02T00-broken');
    expect(String((failure as Error).cause)).toContain('disk on fire');
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('matches the committed migrations/schema.sql (run `npm run schema` after adding a migration)', async () => {
    // A file snapshot: `--update` rewrites it; in CI a stale file fails the run.
    await expect(await dumpSchema()).toMatchFileSnapshot(path.join(appRoot(), 'migrations', 'schema.sql'));
  });
});
