// Frozen in time: vault.db's first migration (events). Plain SQL, never imports app code.
export const name = '2026-12-07T00-events';

export const sql = `
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  camera_id INTEGER NOT NULL,
  label TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  top_score REAL NOT NULL,
  box TEXT NOT NULL,
  path TEXT NOT NULL DEFAULT '[]',
  zones TEXT NOT NULL DEFAULT '[]',
  faces TEXT NOT NULL DEFAULT '[]',
  stationary INTEGER NOT NULL DEFAULT 0 CHECK (stationary IN (0, 1)),
  snapshot TEXT,
  snapshot_box TEXT,
  protected INTEGER NOT NULL DEFAULT 0 CHECK (protected IN (0, 1)),
  created_at INTEGER NOT NULL
);
CREATE INDEX events_by_time ON events (started_at DESC, id DESC);
CREATE INDEX events_by_camera ON events (camera_id, started_at DESC, id DESC);
CREATE INDEX events_by_label ON events (label, started_at DESC, id DESC);
`;
