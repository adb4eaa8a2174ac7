import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { launchChromium } from '../support/browser.js';
import { samplePicture } from '../inference/fixtures.js';
import { makePeopleClip } from '../support/clips.js';
import { cookieFor, startLiveHost, type LiveHost } from '../support/live-host.js';
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
  let browser: Browser;
  let page: Page;
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
    browser = await launchChromium([host.netns.nsIp]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies([cookieFor(host, host.cookie)]);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser.close().catch(() => undefined);
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

  it('shows events on the Events page as they happen, with their pictures, and boxes over the live video', async () => {
    await page.goto(`${host.server.url}/events`);
    const cards = page.locator('[data-testid="event-card"][data-label="person"][data-stored="true"]');
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    // The chart counts the stored events of the last day.
    await expect
      .poll(async () => Number(await page.getByTestId('events-chart').getAttribute('data-total')), {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(1);
    // A new appearance arrives by the live push, without reloading the page.
    const shown = await cards.count();
    await expect.poll(() => cards.count(), { timeout: 30_000, interval: 250 }).toBeGreaterThan(shown);
    const picture = page.locator('[data-testid="event-card"][data-ongoing="false"] img').first();
    await expect
      .poll(() => picture.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);

    // The detail page draws the box over the stored picture.
    await page.locator('[data-testid="event-card"][data-ongoing="false"] a').first().click();
    await page.getByTestId('event-facts').waitFor();
    expect(await page.getByTestId('event-box').count()).toBe(1);

    // Live view: boxes over the video while the person is in the picture.
    await page.goto(`${host.server.url}/live`);
    await page.locator('[data-testid="camera-tile"][data-status="live"]').waitFor({ timeout: 20_000 });
    await expect
      .poll(
        async () =>
          Number(
            await page
              .getByTestId('detection-overlay')
              .getAttribute('data-boxes')
              .catch(() => 0),
          ),
        { timeout: 20_000, interval: 100 },
      )
      .toBeGreaterThanOrEqual(1);
    expect(
      await page.locator('[data-testid="detection-box"][data-label="person"]').count(),
    ).toBeGreaterThanOrEqual(1);
  });

  it('says on the Events page that a locked vault stores nothing, and stores none', async () => {
    await page.goto(`${host.server.url}/events`);
    await page.locator('[data-testid="event-card"]').first().waitFor();
    const lock = await api('POST', '/api/vault/lock', {});
    expect(lock.status).toBe(200);
    await page.getByTestId('events-locked').waitFor({ timeout: 10_000 });
    // The person comes back: the card arrives live, marked as not stored.
    await page
      .locator('[data-testid="event-card"][data-label="person"][data-stored="false"]')
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('events-locked').textContent()).toMatch(/not being stored/);
    expect(await page.getByTestId('events-locked').textContent()).toMatch(/\d+ went by unstored/);
    const unlock = await api('POST', '/api/vault/unlock', { passphrase: 'anything' });
    expect(unlock.status).toBe(200);
    const stored = (await events()).map((e) => e.startedAt);
    // Nothing that started while locked made it into vault.db.
    const unstored = pushes.filter((p) => !p.stored && p.phase === 'start');
    expect(unstored.length).toBeGreaterThanOrEqual(1);
    for (const push of unstored) expect(stored).not.toContain(push.event.startedAt);
    await page.getByTestId('events-locked').waitFor({ state: 'detached', timeout: 10_000 });
  });
});
