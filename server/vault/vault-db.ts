import Sqlite from 'better-sqlite3';
import path from 'node:path';
import { VAULT_MIGRATIONS } from '../../migrations/vault/index.js';

/**
 * vault.db inside the volume (events, and later the recordings index and faces), made on first unlock and
 * brought up to date on every unlock by its own migration set (migrations/vault/), each applied once in a
 * transaction and recorded in `vault_migrations`.
 */
export function openVaultDb(root: string, now: () => Date): Sqlite.Database {
  const db = new Sqlite(path.join(root, 'vault.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  // Off by default in SQLite; faces' samples and event faces rely on ON DELETE CASCADE / SET NULL.
  db.pragma('foreign_keys = ON');
  db.exec('CREATE TABLE IF NOT EXISTS vault_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  db.exec('CREATE TABLE IF NOT EXISTS vault_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  db.prepare('INSERT OR IGNORE INTO vault_meta (key, value) VALUES (?, ?)').run(
    'created_at',
    now().toISOString(),
  );
  const applied = new Set(
    (db.prepare('SELECT name FROM vault_migrations').all() as { name: string }[]).map((row) => row.name),
  );
  for (const migration of VAULT_MIGRATIONS) {
    if (applied.has(migration.name)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO vault_migrations (name, applied_at) VALUES (?, ?)').run(
        migration.name,
        now().toISOString(),
      );
    })();
  }
  return db;
}
