import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JanusService } from '../../server/live/janus/janus.service.js';
import { launchChromium } from '../support/browser.js';
import {
  captureLogger,
  isLoopbackAddress,
  socketsOf,
  startH264Sender,
  waitFor,
  type H264Sender,
} from '../support/janus-media.js';
import { playMountpoint } from '../support/janus-page.js';
import { createNetns, type TestNetns } from '../support/netns.js';

// The browser-facing half of live view, end to end: Janus runs inside a test network namespace (its only
// non-loopback address is the veth end there, because Janus never gathers ICE on loopback), a GStreamer
// "camera" inside the namespace feeds its mountpoint on 127.0.0.1, this process brokers the signalling as the
// server will, and Debian's Chromium on this side of the veth decodes the video.
describe('Janus → WebRTC → Chromium through a network namespace', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-janus-webrtc-'));
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
      commandPrefix: netns.exec,
      // A fresh namespace has every port free.
      port: 8088,
      config: {
        httpBindAddress: netns.nsIp,
        httpAcl: [netns.hostIp],
        iceInterface: netns.nsInterface,
        sdpIp: netns.nsIp,
      },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await sender?.stop();
    await janus.close();
    await netns.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the API on the namespace address and the RTP ingest on loopback', async () => {
    const { rtpPort, rtcpPort } = await janus.ensureMountpoint(1);
    sender = startH264Sender(rtpPort, { prefix: netns.exec, width: 1280, height: 720 });
    await waitFor('media on the mountpoint', async () => {
      const age = (await janus.mountpointInfo(1)).media[0]?.ageMs;
      return age !== undefined && age < 500;
    });
    const sockets = await socketsOf(janus.pid!, netns.exec);
    expect(sockets.filter((s) => s.proto === 'tcp' && s.state === 'LISTEN')).toEqual([
      { proto: 'tcp', state: 'LISTEN', address: netns.nsIp, port: 8088 },
    ]);
    // The RTP ingest and its RTCP port (viewers' keyframe requests leave through it), both on loopback.
    expect(sockets.filter((s) => s.proto === 'udp').sort((a, b) => a.port - b.port)).toEqual(
      [rtpPort, rtcpPort]
        .sort((a, b) => (a ?? 0) - (b ?? 0))
        .map((port) => ({ proto: 'udp', state: 'UNCONN', address: '127.0.0.1', port })),
    );
    expect(sockets.every((s) => isLoopbackAddress(s.address) || s.address === netns.nsIp)).toBe(true);
  });

  it('plays the mountpoint in Chromium', async () => {
    browser = await launchChromium();
    const page = await browser.newPage();
    const result = await playMountpoint(page, janus, 1);
    console.log(`first session: ${JSON.stringify(result.metrics)}`);
    expect(result.metrics.frames).toBeGreaterThan(30);
    expect(result.metrics).toMatchObject({ width: 1280, height: 720 });
    // The media path: Janus's host candidate on the namespace address, Chromium on this side of the veth.
    expect(result.janusCandidates.some((c) => c.includes(` ${netns.nsIp} `))).toBe(true);
    expect(result.janusCandidates.every((c) => c.includes(` ${netns.nsIp} `))).toBe(true);
    expect(result.remoteAddress).toBe(netns.nsIp);
    await result.viewer.stop();
    // Janus frees the viewer slot a moment after acknowledging the detach.
    await waitFor('the viewer to leave', async () => (await janus.mountpointInfo(1)).viewers === 0);
    await page.close();
  });

  it('plays again after Janus is killed and restarted', async () => {
    const page = await browser!.newPage();
    const first = await playMountpoint(page, janus, 1);
    const closed = new Promise<string>((resolve) => first.viewer.once('closed', resolve));
    const restarted = new Promise<void>((resolve) => janus.once('restarted', resolve));
    const killedAt = performance.now();
    process.kill(janus.pid!, 'SIGKILL');
    expect(await closed).toBe('janus-died');
    await restarted;
    const restartMs = performance.now() - killedAt;
    // What the server does on `restarted`: tell the page to reconnect, which means a new viewer.
    const again = await playMountpoint(page, janus, 1);
    console.log(
      `kill -9 → restarted ${Math.round(restartMs)} ms; → playing again ${Math.round(performance.now() - killedAt)} ms; ${JSON.stringify(again.metrics)}`,
    );
    expect(again.metrics.frames).toBeGreaterThan(30);
    await again.viewer.stop();
    await page.close();
  });
});
