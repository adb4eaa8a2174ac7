import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRamCache, type RamCache } from '../../server/recordings/ram-cache.js';
import { createRecorder } from '../../server/recordings/recorder.js';
import { DEFAULT_RECORDING } from '../../server/recordings/recording-settings.js';
import { makeTsSegment } from '../support/clips.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const CAMERA = 7;
const HOUR = 3_600_000;

// The recorder on the development vault with real segment files, fed as camera workers feed it, across a clock
// that steps back between two worker sessions (NTP at boot): nothing overlaps, reorders or is overwritten.
describe('recorder: a clock that steps back', () => {
  let t: TestApp;
  let root: string;
  let cache: RamCache;
  let clip: string;

  beforeAll(async () => {
    t = await startTestApp();
    root = mkdtempSync('/dev/shm/vigil-recorder-clock-');
    cache = openRamCache(root, { allowPersistent: false });
    clip = path.join(root, 'clip.ts');
    await makeTsSegment(clip, 2);
  });
  afterAll(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  const rows = () =>
    (t.app.vigil.services.vault
      .database()
      ?.prepare(
        'SELECT path, started_at AS startedAt, ended_at AS endedAt FROM recordings WHERE camera_id = ? ORDER BY id',
      )
      .all(CAMERA) ?? []) as { path: string; startedAt: number; endedAt: number }[];

  /** One worker session of `count` 2 s segments whose wall clock says the first began at `startedAt`. */
  async function session(recorder: ReturnType<typeof createRecorder>, startedAt: number, count: number) {
    const dir = recorder.startSession(CAMERA);
    if (!dir) throw new Error('the camera does not record');
    for (let sequence = 0; sequence < count; sequence++) {
      const file = path.join(dir, `${String(sequence).padStart(8, '0')}.ts`);
      await makeTsSegment(file, 2);
      recorder.onSegment(CAMERA, dir, {
        type: 'segment',
        path: file,
        sequence,
        startedAt: startedAt + sequence * 2_000,
        durationMs: 2_000,
        bytes: statSync(file).size,
        keyframes: 1,
      });
    }
    recorder.endSession(CAMERA, dir);
  }

  const recorderNow = () => {
    const recorder = createRecorder({ cache, vault: t.app.vigil.services.vault, log: t.app.log });
    recorder.configure(CAMERA, { ...DEFAULT_RECORDING, mode: 'continuous', segmentSeconds: 2 });
    return recorder;
  };

  it('moves a session that starts before the last one ended on to its end, within a run and after a restart', async () => {
    const now = Date.now();
    const first = recorderNow();
    await session(first, now, 2);
    // The worker restarts after NTP stepped the clock back an hour.
    await session(first, now - HOUR, 2);
    await first.close();

    // The server restarts too, the clock still behind: the index says where the footage ends.
    const second = recorderNow();
    await session(second, now - HOUR + 10_000, 1);
    await second.close();

    const kept = rows();
    expect(kept).toHaveLength(5);
    expect(kept[0]?.startedAt).toBe(now);
    for (const [i, row] of kept.entries()) {
      const before = kept[i - 1];
      if (before) expect(row.startedAt).toBeGreaterThanOrEqual(before.endedAt);
      expect(existsSync(path.join(t.app.vigil.services.vault.mountPoint, row.path))).toBe(true);
    }
    expect(new Set(kept.map((r) => r.path)).size).toBe(5);
    // The moved session continues right where the first ended, not an hour earlier.
    expect(kept[2]?.startedAt).toBe(now + 4_000);
    expect(kept[4]?.startedAt).toBe(now + 8_000);
  });
});
