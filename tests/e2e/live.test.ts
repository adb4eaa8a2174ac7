import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { cookieFor, startLiveHost, type LiveHost } from '../support/live-host.js';
import { childProcesses, isAlive } from '../support/processes.js';
import { startRtspServer, type RtspServer } from '../support/rtsp-server.js';

const RTSP_PORT = 8554;

/**
 * The whole live path for real: an RTSP camera and the synthetic test camera → camera workers (GStreamer) →
 * Janus → WebRTC → Debian's Chromium on the /live page. The server runs in its own network namespace (Janus
 * gathers no loopback candidates, and tests never use the machine's external interface); Chromium reaches it
 * over the veth pair.
 */
describe('live view through Janus into Chromium', () => {
  let host: LiveHost;
  let rtsp: RtspServer;
  let browser: Browser;
  let page: Page;
  const api = (method: string, url: string, body?: unknown) => host.api(method, url, body);
  const cameras = async () =>
    (await api('GET', '/api/cameras')).body as {
      id: number;
      kind: string;
      status: string;
      keyframeIntervalS: number | null;
    }[];
  /** Frames each <video> on the page has decoded so far, by camera id. */
  const decodedFrames = (): Promise<Record<string, number>> =>
    page.evaluate(`Object.fromEntries([...document.querySelectorAll('[data-testid="camera-tile"]')].map((tile) => {
      const video = tile.querySelector('video');
      return [tile.dataset.cameraId, video ? video.getVideoPlaybackQuality().totalVideoFrames : 0];
    }))`);
  const framesAdvance = async (timeoutMs: number, minFrames = 30) => {
    const start = await decodedFrames();
    await expect
      .poll(
        async () => {
          const now = await decodedFrames();
          return Object.keys(start).every((id) => (now[id] ?? 0) - (start[id] ?? 0) >= minFrames);
        },
        { timeout: timeoutMs, interval: 250 },
      )
      .toBe(true);
  };
  const serverChildren = () => childProcesses(host.server.pid);

  beforeAll(async () => {
    host = await startLiveHost();
    rtsp = await startRtspServer(undefined, { prefix: host.netns.exec, port: RTSP_PORT });
    browser = await launchChromium([host.netns.nsIp]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies([cookieFor(host, host.cookie)]);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser.close().catch(() => undefined);
    await rtsp.stop().catch(() => undefined);
    await host.stop();
  });

  it('plays an RTSP camera and the test camera: every <video> decodes more than 30 frames', async () => {
    expect(
      (
        await api('POST', '/api/cameras', {
          name: 'Porch',
          kind: 'rtsp',
          url: `rtsp://127.0.0.1:${RTSP_PORT}/h264`,
        })
      ).status,
    ).toBe(201);
    expect(
      (await api('POST', '/api/cameras', { name: 'Test', kind: 'test', width: 640, height: 360, fps: 30 }))
        .status,
    ).toBe(201);
    await expect
      .poll(async () => (await cameras()).map((c) => c.status), { timeout: 30_000 })
      .toEqual(['live', 'live']);
    await page.goto(`${host.server.url}/live`);
    await expect
      .poll(() => page.locator('[data-testid="camera-tile"][data-status="live"]').count(), {
        timeout: 30_000,
      })
      .toBe(2);
    await framesAdvance(20_000);
    await page.screenshot({ path: 'test-results/e2e/10-live.png' });
    // The test camera's GOP is a second; the keyframes asked for as viewers join only shorten the interval.
    const interval = async () => (await cameras()).find((c) => c.kind === 'test')?.keyframeIntervalS ?? null;
    await expect.poll(interval, { timeout: 15_000 }).not.toBeNull();
    expect(await interval()).toBeGreaterThan(0);
    expect(await interval()).toBeLessThanOrEqual(1.5);
  });

  it('lets a viewer watch too', async () => {
    const viewer = { username: 'vera', password: 'viewer passphrase 2026', role: 'viewer' };
    expect((await api('POST', '/api/users', viewer)).status).toBe(201);
    const context = await browser.newContext();
    await context.addCookies([cookieFor(host, await host.login(viewer.username, viewer.password))]);
    const viewerPage = await context.newPage();
    await viewerPage.goto(`${host.server.url}/live`);
    await expect
      .poll(() => viewerPage.locator('[data-testid="camera-tile"][data-status="live"]').count(), {
        timeout: 30_000,
      })
      .toBe(2);
    await context.close();
  });

  it('starts a bookmarked camera page before the app boots: one socket, one watch, the early <video> kept', async () => {
    const test = (await cameras()).find((c) => c.kind === 'test')!;
    const bookmark = await page.context().newPage();
    // Counts sockets and watches, and marks every <video> made while the app had not mounted yet.
    await bookmark.addInitScript(`(() => {
      window.__sockets = 0; window.__watches = 0;
      const NativeSocket = window.WebSocket;
      window.WebSocket = class extends NativeSocket {
        constructor(...args) { super(...args); window.__sockets++; }
        send(data) { if (String(data).includes('"live.watch"')) window.__watches++; return super.send(data); }
      };
      const create = Document.prototype.createElement;
      Document.prototype.createElement = function (name, options) {
        const element = create.call(this, name, options);
        if (String(name).toLowerCase() === 'video') element.__beforeApp = document.querySelector('#app .app-loading') !== null || document.getElementById('app') === null;
        return element;
      };
    })()`);
    await bookmark.goto(`${host.server.url}/live/${test.id}`);
    const tile = bookmark.locator('[data-testid="camera-tile"][data-status="live"]');
    await tile.waitFor({ timeout: 30_000 });
    await expect
      .poll(
        () =>
          bookmark.evaluate(
            `document.querySelector('[data-testid="camera-tile"] video').getVideoPlaybackQuality().totalVideoFrames`,
          ),
        {
          timeout: 15_000,
        },
      )
      .toBeGreaterThan(30);
    expect(
      await bookmark.evaluate(`({
        kept: document.querySelector('[data-testid="camera-tile"] video').__beforeApp === true,
        videos: document.querySelectorAll('video').length,
        early: document.querySelectorAll('[data-testid="early-video"]').length,
        sockets: window.__sockets,
        watches: window.__watches,
      })`),
    ).toEqual({ kept: true, videos: 1, early: 0, sockets: 1, watches: 1 });
    await bookmark.close();
  });

  it('reports Janus and each worker in /api/health, Janus on no non-loopback TCP port', async () => {
    const health = (await (await fetch(`${host.server.url}/api/health`)).json()) as {
      janus: { state: string };
      cameras: unknown[];
    };
    expect(health.janus.state).toBe('running');
    expect(health.cameras).toHaveLength(2);
  });

  it('gets the RTSP camera back within 15 s after its server restarts, without touching Vigil', async () => {
    await rtsp.stop();
    await expect
      .poll(async () => (await cameras()).find((c) => c.kind === 'rtsp')?.status, { timeout: 20_000 })
      .not.toBe('live');
    rtsp = await startRtspServer(undefined, { prefix: host.netns.exec, port: RTSP_PORT });
    const restartedAt = Date.now();
    await expect
      .poll(async () => (await cameras()).find((c) => c.kind === 'rtsp')?.status, { timeout: 15_000 })
      .toBe('live');
    expect(Date.now() - restartedAt).toBeLessThan(15_000);
    await framesAdvance(15_000);
  });

  it('shows "no picture" within 3 s and offline within 5 s when a camera stops sending; recovers by itself', async () => {
    const rtspTile = page.locator('[data-testid="camera-tile"][data-kind="rtsp"]');
    await expect.poll(() => rtspTile.getAttribute('data-picture'), { timeout: 10_000 }).toBe('flowing');
    rtsp.pause();
    const pausedAt = Date.now();
    try {
      // The tile judges by the <video>'s own frames, not by Janus's state or the camera list.
      await expect
        .poll(() => rtspTile.getAttribute('data-picture'), { timeout: 3_000, interval: 100 })
        .toBe('stalled');
      expect(Date.now() - pausedAt).toBeLessThan(3_000);
      expect(await rtspTile.getByText(/no picture since/i).isVisible()).toBe(true);
      await page.screenshot({ path: 'test-results/e2e/11-live-no-picture.png' });
      await expect
        .poll(async () => (await cameras()).find((c) => c.kind === 'rtsp')?.status, {
          timeout: 5_000 - (Date.now() - pausedAt),
          interval: 200,
        })
        .toBe('offline');
      expect(Date.now() - pausedAt).toBeLessThan(5_000);
    } finally {
      rtsp.resume();
    }
    await expect
      .poll(async () => (await cameras()).find((c) => c.kind === 'rtsp')?.status, { timeout: 45_000 })
      .toBe('live');
    await expect.poll(() => rtspTile.getAttribute('data-picture'), { timeout: 30_000 }).toBe('flowing');
    await framesAdvance(20_000);
  });

  it('restarts a camera worker killed with SIGKILL: video back within 5 s', async () => {
    const worker = serverChildren().find((c) => c.cmdline.includes('media/worker.js'));
    expect(worker).toBeDefined();
    process.kill(worker!.pid, 'SIGKILL');
    await framesAdvance(5_000, 10);
  });

  it('restarts Janus killed with SIGKILL: the open page plays again without a reload', async () => {
    const janus = serverChildren().find((c) => c.cmdline.includes('janus'));
    expect(janus).toBeDefined();
    process.kill(janus!.pid, 'SIGKILL');
    await expect
      .poll(() => serverChildren().some((c) => c.cmdline.includes('janus') && c.pid !== janus!.pid), {
        timeout: 15_000,
      })
      .toBe(true);
    await framesAdvance(30_000);
  });

  it("tests a saved camera's connection from its edit form with the stored credentials", async () => {
    const secured = await startRtspServer(
      { user: 'cam', password: 'stored secret 9' },
      { prefix: host.netns.exec, port: RTSP_PORT + 1 },
    );
    try {
      const created = await api('POST', '/api/cameras', {
        name: 'Gate',
        kind: 'rtsp',
        url: `rtsp://127.0.0.1:${RTSP_PORT + 1}/h264`,
        username: 'cam',
        password: 'stored secret 9',
        enabled: false,
      });
      expect(created.status).toBe(201);
      await page.goto(`${host.server.url}/cameras`);
      await page
        .locator('[data-testid="camera-row"]', { hasText: 'Gate' })
        .getByTestId('camera-edit')
        .click();
      // The password is never sent back, so only the saved-camera probe can pass this server's auth.
      expect(await page.getByTestId('camera-password').inputValue()).toBe('');
      await page.getByTestId('camera-probe').click();
      const outcome = page.getByTestId('camera-probe-result');
      await outcome.waitFor({ timeout: 15_000 });
      expect(await outcome.getAttribute('data-outcome')).toBe('ok');
      expect(await outcome.textContent()).toMatch(/H264 video/);
      await page.screenshot({ path: 'test-results/e2e/12-camera-probe-saved.png' });
      expect((await api('DELETE', `/api/cameras/${(created.body as { id: number }).id}`)).status).toBe(204);
      await page.goto(`${host.server.url}/live`);
    } finally {
      await secured.stop();
    }
  });

  it('removes a deleted camera and its mountpoint', async () => {
    const list = await cameras();
    const test = list.find((c) => c.kind === 'test')!;
    expect((await api('DELETE', `/api/cameras/${test.id}`)).status).toBe(204);
    await expect.poll(() => page.locator('[data-testid="camera-tile"]').count(), { timeout: 10_000 }).toBe(1);
  });

  it('leaves no Vigil process behind 5 s after a kill -9 of the server', async () => {
    const children = serverChildren().map((c) => c.pid);
    expect(children.length).toBeGreaterThanOrEqual(2); // Janus and at least one worker
    process.kill(host.server.pid, 'SIGKILL');
    await expect.poll(() => children.filter(isAlive), { timeout: 5_000 }).toEqual([]);
  });
});
