// Frozen in time: enrolled people (faces), their samples, and every face seen in an event (event_faces), kept
// with its descriptor and crop so an unknown one can be enrolled later. Plain SQL, never imports app code.
// Descriptors are little-endian Float32 BLOBs (1024 values, unit length); crops are paths under the vault root.
export const name = '2026-12-08T00-faces';

export const sql = `
CREATE TABLE faces (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  -- The name folded for comparison (Unicode lower case): names are unique whatever their case.
  name_key TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE TABLE face_samples (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  face_id INTEGER NOT NULL REFERENCES faces (id) ON DELETE CASCADE,
  descriptor BLOB NOT NULL,
  crop TEXT,
  source TEXT NOT NULL CHECK (source IN ('event', 'upload')),
  event_id INTEGER REFERENCES events (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX face_samples_by_face ON face_samples (face_id, id);
CREATE TABLE event_faces (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  -- Position in the event's faces list (its JSON), as the API addresses it.
  face_index INTEGER NOT NULL,
  -- Identifies the worker's report across track updates (a digest of the descriptor).
  digest TEXT NOT NULL,
  descriptor BLOB NOT NULL,
  crop TEXT,
  face_id INTEGER REFERENCES faces (id) ON DELETE SET NULL,
  similarity REAL NOT NULL,
  box TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (event_id, digest)
);
CREATE INDEX event_faces_by_event ON event_faces (event_id, face_index);
CREATE INDEX event_faces_by_face ON event_faces (face_id, event_id);
CREATE INDEX event_faces_unknown ON event_faces (id DESC) WHERE face_id IS NULL;
`;
