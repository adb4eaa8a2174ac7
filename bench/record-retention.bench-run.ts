import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordingsStoreOf } from '../server/recordings/recordings.store.js';
import { startTestApp, type TestApp } from '../tests/support/test-app.js';

/**
 * `npm run bench:record` (second part): retention passes over 10,000 kept segments (rows in vault.db and their
 * files on the development vault, on this machine's disk): one that deletes half of them (each camera's quota is
 * half of what it has) and one that then deletes none. Baselines in the same run: deleting as many files of the
 * same size with nothing but `rm`, one after the other as the pass does, and with `unlink` 16 at a time (what
 * the disk allows). Once with the page cache dropped before each step (an hourly pass finds old folders out of
 * the cache), once warm.
 */
const QUICK = process.env['BENCH_QUICK'] === '1';
const CAMERAS = 4;
const SEGMENTS = QUICK ? 1_000 : 10_000;
const PER_CAMERA = SEGMENTS / CAMERAS;
/** Small files: deleting one costs the same whatever its size; 10,000 real 2 MB segments would be 20 GB. */
const FILE_BYTES = 16 * 1024;
const SEGMENT_MS = 4_000;
const IN_FLIGHT = 16;

let t: TestApp;
let admin = '';

const dropCaches = () => {
  execFileSync('sync');
  writeFileSync('/proc/sys/vm/drop_caches', '3');
};
const timed = async <T>(task: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const started = performance.now();
  const value = await task();
  return { value, ms: performance.now() - started };
};

const cameraIds: number[] = [];
const quotaGiB = ((PER_CAMERA / 2) * FILE_BYTES) / 1024 ** 3;

beforeAll(async () => {
  t = await startTestApp();
  admin = (await t.userWithSession('admin')).cookie;
  for (let c = 1; c <= CAMERAS; c++) {
    const created = await t.inject({
      method: 'POST',
      url: '/api/cameras',
      headers: { cookie: admin },
      payload: { name: `Camera ${c}`, kind: 'test' },
    });
    const cameraId = created.json<{ id: number }>().id;
    const put = await t.inject({
      method: 'PUT',
      url: `/api/cameras/${cameraId}/recording`,
      headers: { cookie: admin },
      payload: { mode: 'continuous', preRollSeconds: 10, postRollSeconds: 10, segmentSeconds: 4, quotaGiB },
    });
    expect(put.statusCode, put.body).toBe(200);
    cameraIds.push(cameraId);
  }
});
afterAll(() => t.close());

/** SEGMENTS segment files with their rows, and a folder of SEGMENTS / 2 plain files for each baseline. */
function fill(): { plain: string; unlinked: string; parallel: string; seconds: number } {
  const started = performance.now();
  const mount = t.app.vigil.services.vault.mountPoint;
  const db = t.app.vigil.services.vault.database();
  if (!db) throw new Error('the development vault is locked');
  const store = recordingsStoreOf(db);
  const start = Date.now() - PER_CAMERA * SEGMENT_MS - 60_000;
  for (const cameraId of cameraIds)
    db.transaction(() => {
      for (let n = 0; n < PER_CAMERA; n++) {
        const startedAt = start + n * SEGMENT_MS;
        const day = new Date(startedAt).toISOString().slice(0, 10);
        const relative = `recordings/${cameraId}/${day}/${startedAt}-bench-${n}.ts`;
        mkdirSync(path.dirname(path.join(mount, relative)), { recursive: true });
        writeFileSync(path.join(mount, relative), Buffer.alloc(FILE_BYTES, n));
        store.insert({
          cameraId,
          startedAt,
          endedAt: startedAt + SEGMENT_MS,
          bytes: FILE_BYTES,
          keyframes: 4,
          path: relative,
          eventIds: [],
        });
      }
    })();
  const folders = {
    plain: path.join(t.dataDir, 'plain'),
    unlinked: path.join(t.dataDir, 'unlinked'),
    parallel: path.join(t.dataDir, 'parallel'),
  };
  for (const folder of Object.values(folders)) {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder);
    for (let n = 0; n < SEGMENTS / 2; n++)
      writeFileSync(path.join(folder, `${n}.ts`), Buffer.alloc(FILE_BYTES, n));
  }
  return { ...folders, seconds: (performance.now() - started) / 1000 };
}

/** Deletes every file of `folder`, `inFlight` at a time. */
async function removeAll(folder: string, inFlight: number, remove: (file: string) => Promise<unknown>) {
  const names = readdirSync(folder);
  const next = async (): Promise<void> => {
    for (let name = names.pop(); name !== undefined; name = names.pop())
      await remove(path.join(folder, name));
  };
  await Promise.all(Array.from({ length: inFlight }, next));
}

async function round(cold: boolean): Promise<string[]> {
  const { plain, unlinked, parallel, seconds } = fill();
  const prepare = () => (cold ? dropCaches() : execFileSync('sync'));
  prepare();
  const bare = await timed(() => removeAll(plain, 1, (file) => rm(file, { force: true })));
  prepare();
  const single = await timed(() => removeAll(unlinked, 1, (file) => unlink(file)));
  prepare();
  const wide = await timed(() => removeAll(parallel, IN_FLIGHT, (file) => unlink(file)));
  prepare();
  const half = await timed(() => t.app.vigil.services.retention.run('bench'));
  prepare();
  const none = await timed(() => t.app.vigil.services.retention.run('bench'));
  const deleted = half.value?.deleted ?? 0;
  expect(deleted).toBe(SEGMENTS / 2);
  expect(none.value?.deleted).toBe(0);
  // What is left goes before the next round, rows and files.
  t.app.vigil.services.vault.database()?.prepare('DELETE FROM recordings').run();
  rmSync(path.join(t.app.vigil.services.vault.mountPoint, 'recordings'), { recursive: true, force: true });
  const ms = (value: number) => `${value.toFixed(0)} ms`.padStart(8);
  const count = (SEGMENTS / 2).toLocaleString('en');
  return [
    `${cold ? 'Page cache dropped before each step' : 'Warm (synced, cache kept)'}, ${SEGMENTS.toLocaleString('en')} segments written in ${seconds.toFixed(1)} s:`,
    `  rm of ${count} files one at a time (baseline)     ${ms(bare.ms)}`,
    `  unlink of ${count} files one at a time                ${ms(single.ms)} (${(single.ms / bare.ms).toFixed(2)}× the baseline)`,
    `  unlink of ${count} files, ${IN_FLIGHT} at a time               ${ms(wide.ms)} (${(wide.ms / bare.ms).toFixed(2)}× the baseline)`,
    `  pass deleting ${deleted.toLocaleString('en')} by quota                  ${ms(half.ms)} (${(half.ms / bare.ms).toFixed(2)}× the baseline; ` +
      `${((half.ms * 1000) / Math.max(deleted, 1)).toFixed(0)} µs a segment; the pass's own figure ${half.value?.ms.toFixed(0)} ms)`,
    `  pass deleting ${none.value?.deleted ?? 0} (nothing over quota)             ${ms(none.ms)}`,
  ];
}

it('measures a retention pass over 10,000 segments against deleting the same files by hand', async () => {
  const lines = [...(await round(true)), ...(await round(false))];
  console.log(
    [
      '',
      `Retention, ${SEGMENTS.toLocaleString('en')} segments (${CAMERAS} cameras × ${PER_CAMERA.toLocaleString('en')}, ${FILE_BYTES / 1024} KiB files, rows in vault.db), development vault on this disk:`,
      ...lines,
      '',
    ].join('\n'),
  );
}, 600_000);
