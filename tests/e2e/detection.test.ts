import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { samplePicture } from '../inference/fixtures.js';
import { makePeopleClip } from '../support/clips.js';
import { startLiveHost, type LiveHost } from '../support/live-host.js';
import { childProcesses, isAlive } from '../support/processes.js';

interface EventBody {
  id: number | null;
  cameraId: number;
  label: string;
  startedAt: number;
  endedAt: number | null;
  hasSnapshot: boolean;
}

/**
 * Detection through the whole product: a file camera with detection on (a clip that shows a person for 4 s
 * after 3 s of an empty scene, in a loop) → its camera worker → the inference worker (the models setup
 * converted) → the server's events → vault.db, the API and the live push on /api/ws.
 */
describe('detection: camera → inference → events', () => {
  let host: LiveHost;
  let socket: WebSocket;
  const pushes: { phase: string; event: EventBody; stored: boolean }[] = [];
  const api = (method: string, url: string, body?: unknown) => host.api(method, url, body);
  const events = async () =>
    ((await api('GET', '/api/events?label=person')).body as { events: EventBody[] }).events;
  const inferencePids = () =>
    childProcesses(host.server.pid)
      .filter((p) => p.cmdline.includes('dist/inference/worker.js'))
      .map((p) => p.pid);
  const cameraPids = () =>
    childProcesses(host.server.pid)
      .filter((p) => p.cmdline.includes('dist/media/worker.js'))
      .map((p) => p.pid);

  beforeAll(async () => {
    // Events are kept in the vault: the development one here (tests/vault has the real one).
    const vaultDir = mkdtempSync(path.join(tmpdir(), 'vigil-detect-vault-'));
    host = await startLiveHost({ VIGIL_VAULT: `dir:${vaultDir}`, VIGIL_ALLOW_INSECURE_VAULT: '1' });
    const mediaDir = path.join(host.server.dataDir, 'media');
    mkdirSync(mediaDir, { recursive: true });
    await makePeopleClip(path.join(mediaDir, 'porch.mp4'), await samplePicture('samples.jpg'), 3, 4);
    socket = new WebSocket(host.server.url.replace(/^http/, 'ws') + '/api/ws', {
      headers: { cookie: host.cookie, origin: host.server.url },
    });
    socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as {
        type: string;
        topic?: string;
        data?: (typeof pushes)[number];
      };
      if (message.type === 'event' && message.topic === 'events' && message.data) pushes.push(message.data);
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  }, 120_000);

  afterAll(async () => {
    socket.close();
    await host.stop();
  });

  it('stores one person event per appearance, with a snapshot, and pushes it live', async () => {
    const created = await api('POST', '/api/cameras', {
      name: 'Porch',
      kind: 'file',
      path: 'porch.mp4',
      detect: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ detect: true });
    await expect
      .poll(async () => (await events()).filter((e) => e.endedAt !== null).length, {
        timeout: 45_000,
        interval: 500,
      })
      .toBeGreaterThanOrEqual(1);
    const [first] = (await events()).filter((e) => e.endedAt !== null);
    expect(first).toMatchObject({ label: 'person', hasSnapshot: true });
    const snapshot = await fetch(`${host.server.url}/api/events/${first!.id}/snapshot.jpg`, {
      headers: { cookie: host.cookie },
    });
    expect(snapshot.headers.get('content-type')).toBe('image/jpeg');
    // Pushed live: a start and an end for that event, stored.
    expect(pushes.some((p) => p.phase === 'start' && p.event.id === first!.id && p.stored)).toBe(true);
    expect(pushes.some((p) => p.phase === 'end' && p.event.id === first!.id)).toBe(true);
    // One event per appearance: between two starts the person left the picture (the first one ended).
    const starts = pushes.filter((p) => p.phase === 'start' && p.event.label === 'person');
    const ends = pushes.filter((p) => p.phase === 'end' && p.event.label === 'person');
    expect(starts.length - ends.length).toBeLessThanOrEqual(1);
    const camera = (await api('GET', `/api/cameras/${(created.body as { id: number }).id}`)).body as {
      analysis: { sent: number } | null;
    };
    expect(camera.analysis).not.toBeNull();
  });

  it('restarts a killed inference worker within 3 s; the camera keeps running and events resume', async () => {
    const [worker] = inferencePids();
    const cameras = cameraPids();
    expect(worker).toBeDefined();
    const before = (await events()).length;
    process.kill(worker!, 'SIGKILL');
    const killedAt = Date.now();
    await expect
      .poll(() => inferencePids().filter((pid) => pid !== worker).length, { timeout: 3_000, interval: 100 })
      .toBe(1);
    expect(Date.now() - killedAt).toBeLessThan(3_000);
    expect(isAlive(worker!)).toBe(false);
    // Live view untouched: the same camera worker, still live.
    expect(cameraPids()).toEqual(cameras);
    await expect
      .poll(async () => (await events()).length, { timeout: 45_000, interval: 500 })
      .toBeGreaterThan(before);
    const list = (await api('GET', '/api/cameras')).body as { status: string }[];
    expect(list.map((c) => c.status)).toEqual(['live']);
  });
});
