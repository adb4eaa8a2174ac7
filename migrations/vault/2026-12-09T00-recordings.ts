// Frozen in time: vault.db's recordings index. Plain SQL, never imports app code.
export const name = '2026-12-09T00-recordings';

// One row per kept segment (an MPEG-TS file under recordings/<camera>/<day>/). A row is written only after
// its file was fsynced and renamed into place; a file without a row (a crash between the two) is found by
// the startup reconcile pass. The session and sequence name a segment uniquely whatever the clock did.
export const sql = `
CREATE TABLE recordings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  camera_id INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL CHECK (ended_at >= started_at),
  bytes INTEGER NOT NULL CHECK (bytes >= 0),
  keyframes INTEGER NOT NULL CHECK (keyframes >= 0),
  path TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE INDEX recordings_by_camera ON recordings (camera_id, started_at);
CREATE INDEX recordings_by_time ON recordings (started_at);
CREATE TABLE recording_events (
  recording_id INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
  event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  PRIMARY KEY (recording_id, event_id)
);
CREATE INDEX recording_events_by_event ON recording_events (event_id);
`;
