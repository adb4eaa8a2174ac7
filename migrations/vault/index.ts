// vault.db's migrations, in order. Each is frozen in time once released; add new ones at the end.
import * as events from './2026-12-07T00-events.js';
import * as faces from './2026-12-08T00-faces.js';
import * as recordings from './2026-12-09T00-recordings.js';
import * as recordingThumbnails from './2026-12-10T00-recording-thumbnails.js';

export const VAULT_MIGRATIONS: readonly { name: string; sql: string }[] = [
  events,
  faces,
  recordings,
  recordingThumbnails,
];
