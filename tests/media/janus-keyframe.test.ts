import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JanusService } from '../../server/live/janus/janus.service.js';
import { launchChromium } from '../support/browser.js';
import { captureLogger, startH264Sender, type H264Sender } from '../support/janus-media.js';
import { playMountpoint } from '../support/janus-page.js';
import { createNetns, type TestNetns } from '../support/netns.js';

// A viewer's keyframe request reaches Vigil: Janus, the server's RTCP peer on each mountpoint (keyframe-
// feedback.ts) and Chromium, all real and on one host (Janus gathers ICE on the test veth's host end). Janus asks
// the source for a keyframe the moment a viewer's media is up, the same path a PLI from a viewer with a broken
// picture takes.
describe("viewers' keyframe requests through Janus's RTCP port", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-janus-keyframe-'));
  const { logger } = captureLogger();
  let netns: TestNetns;
  let janus: JanusService;
  let sender: H264Sender | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    netns = await createNetns();
    janus = await JanusService.start({
      configDir: path.join(dataDir, 'janus'),
      logger,
      config: { iceInterface: netns.hostInterface },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await sender?.stop();
    await janus.close();
    await netns.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('turns a viewer’s keyframe request into a keyframe event for its camera, and only its camera', async () => {
    const watched = await janus.ensureMountpoint(3);
    await janus.ensureMountpoint(4);
    expect(watched.rtcpPort).not.toBeNull();
    sender = startH264Sender(watched.rtpPort, { width: 640, height: 360 });
    const requests: number[] = [];
    janus.on('keyframe', (cameraId) => requests.push(cameraId));

    const page = await browser!.newPage();
    const played = await playMountpoint(page, janus, 3);
    expect(played.metrics.frames).toBeGreaterThan(30);
    expect(requests.length).toBeGreaterThanOrEqual(1);
    expect(new Set(requests)).toEqual(new Set([3]));
    await played.viewer.stop();
    await page.close();
  });
});
