// Frozen in time: small JPEG stills along the recordings timeline. Plain SQL, never imports app code.
export const name = '2026-12-10T00-recording-thumbnails';

// One row per still (recordings/<camera>/<day>/thumbs/<at>.jpg), made from the first keyframe of a kept segment
// that started at `at` (epoch ms). Like a segment's, a row is written only after its file is fsynced and renamed
// into place; the reconcile pass indexes a file whose row a crash lost and drops a row whose file is gone.
export const sql = `
CREATE TABLE recording_thumbnails (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  camera_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  path TEXT NOT NULL UNIQUE,
  bytes INTEGER NOT NULL CHECK (bytes >= 0)
);
CREATE INDEX recording_thumbnails_by_camera ON recording_thumbnails (camera_id, at);
`;
