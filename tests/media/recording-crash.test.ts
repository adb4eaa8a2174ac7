import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveHost, type LiveHost } from '../support/live-host.js';
import { childProcesses, isAlive } from '../support/processes.js';
import { startBuiltServer, type ServerProcess } from '../support/server-process.js';
import { decodeSegment } from '../support/ts-segments.js';
import { assertWorkerBuilt, eventually } from './worker-harness.js';

const WIDTH = 320;
const HEIGHT = 240;
const FPS = 15;

/** Every file under `dir` (relative to `root`), recursively. */
function filesUnder(root: string, dir = root): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(root, full) : [path.relative(root, full)];
  });
}

// kill -9 mid-recording, of a camera worker and then of the server itself: what was kept stays whole and
// indexed, nothing half-written is listed, and the restarted server picks up where it was.
describe('recording through crashes', () => {
  let host: LiveHost;
  let restarted: ServerProcess | undefined;
  let cameraId: number;
  let vault: string;
  const vaultDir = () => vault;
  const vaultEnv = () => ({ VIGIL_VAULT: `dir:${vault}`, VIGIL_ALLOW_INSECURE_VAULT: '1' });

  beforeAll(async () => {
    assertWorkerBuilt();
    vault = mkdtempSync(path.join(tmpdir(), 'vigil-crash-vault-'));
    host = await startLiveHost(vaultEnv());
    const created = await host.api('POST', '/api/cameras', {
      name: 'Crash',
      kind: 'test',
      width: WIDTH,
      height: HEIGHT,
      fps: FPS,
    });
    cameraId = (created.body as { id: number }).id;
    const put = await host.api('PUT', `/api/cameras/${cameraId}/recording`, {
      mode: 'continuous',
      preRollSeconds: 4,
      postRollSeconds: 2,
      segmentSeconds: 2,
    });
    expect(put.status).toBe(200);
  });

  afterAll(async () => {
    await restarted?.stop().catch(() => undefined);
    await host.stop();
    rmSync(vault, { recursive: true, force: true });
  });

  /** The index as vault.db has it (opened read-only beside the running server). */
  const indexed = (): { path: string; bytes: number; started_at: number }[] => {
    const db = new Sqlite(path.join(vaultDir(), 'vault.db'), { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare('SELECT path, bytes, started_at FROM recordings WHERE camera_id = ? ORDER BY started_at')
        .all(cameraId) as { path: string; bytes: number; started_at: number }[];
    } finally {
      db.close();
    }
  };
  const workerOf = (pid: number) => childProcesses(pid).find((c) => c.cmdline.includes('media/worker'));

  /** Every row has its whole, playable file, and every segment file on the vault has its row. */
  async function expectIndexMatchesFiles(afterKill = false): Promise<number> {
    const rows = indexed();
    // Segments only: a day's thumbs/ folder holds the timeline's pictures, which have their own index.
    const all = filesUnder(vaultDir(), path.join(vaultDir(), 'recordings', String(cameraId))).filter(
      (f) => !f.includes('/thumbs/'),
    );
    // A server killed mid-copy may leave one `.partial` (never indexed); the next start's reconcile removes it.
    const partials = all.filter((f) => f.endsWith('.partial'));
    expect(partials.length).toBeLessThanOrEqual(afterKill ? 1 : 0);
    const onDisk = all.filter((f) => !f.endsWith('.partial'));
    expect(onDisk.sort()).toEqual(rows.map((r) => r.path).sort());
    for (const row of rows) {
      expect(statSync(path.join(vaultDir(), row.path)).size, row.path).toBe(row.bytes);
      const decoded = await decodeSegment(path.join(vaultDir(), row.path), WIDTH, HEIGHT);
      expect(decoded.code, decoded.stderr).toBe(0);
      expect(decoded.frames, row.path).toBeGreaterThanOrEqual(FPS);
    }
    return rows.length;
  }

  it('kill -9 of the camera worker: kept segments stay whole, the restarted worker records on', async () => {
    expect(await eventually(() => indexed().length >= 3, 25_000)).toBe(true);
    const worker = workerOf(host.server.pid);
    if (!worker) throw new Error('no camera worker');
    process.kill(worker.pid, 'SIGKILL');
    const before = indexed().length;
    expect(
      await eventually(() => (workerOf(host.server.pid)?.pid ?? worker.pid) !== worker.pid, 15_000),
    ).toBe(true);
    expect(await eventually(() => indexed().length >= before + 2, 20_000)).toBe(true);
    await expectIndexMatchesFiles();
  });

  it('kill -9 of the server: every kept segment plays, the index matches, the restart records on', async () => {
    const worker = workerOf(host.server.pid);
    if (!worker) throw new Error('no camera worker');
    process.kill(host.server.pid, 'SIGKILL');
    // The worker notices its parent is gone and exits by itself.
    expect(await eventually(() => !isAlive(worker.pid), 10_000)).toBe(true);
    const kept = await expectIndexMatchesFiles(true);
    expect(kept).toBeGreaterThanOrEqual(5);

    restarted = await startBuiltServer(
      {
        VIGIL_MEDIA: 'on',
        VIGIL_WEBRTC_INTERFACE: host.netns.nsIp,
        VIGIL_DATA_DIR: host.server.dataDir,
        ...vaultEnv(),
      },
      'http',
      { prefix: host.netns.exec, host: host.netns.nsIp },
    );
    const server = restarted;
    // The session survives in SQLite: the same cookie works on the new process.
    const listed = await fetch(`${server.url}/api/cameras/${cameraId}`, { headers: { cookie: host.cookie } });
    expect(listed.status).toBe(200);
    expect(await eventually(() => indexed().length >= kept + 2, 25_000)).toBe(true);
    await expectIndexMatchesFiles();
    // The RAM cache holds this run's session only: the killed run's segments were cleared at start.
    // The default cache dir, as server/config.ts names it after the data dir.
    const cacheDir = `/dev/shm/vigil-${createHash('sha256').update(host.server.dataDir).digest('hex').slice(0, 12)}`;
    const cache = filesUnder(cacheDir).filter((f) => f.startsWith(`segments/${cameraId}/`));
    expect(cache.length).toBeGreaterThan(0);
    const sessions = new Set(cache.map((f) => path.dirname(f)));
    expect(sessions.size).toBeLessThanOrEqual(1);
  });
});
