import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IceCandidate } from '../../server/live/janus/janus-http.js';
import type { JanusViewer } from '../../server/live/janus/janus-viewer.js';
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
import { PeerPage } from '../support/janus-page.js';
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
    const { rtpPort } = await janus.ensureMountpoint(1);
    sender = startH264Sender(rtpPort, { prefix: netns.exec, width: 1280, height: 720 });
    await waitFor('media on the mountpoint', async () => {
      const age = (await janus.mountpointInfo(1)).media[0]?.ageMs;
      return age !== undefined && age < 500;
    });
    const sockets = await socketsOf(janus.pid!, netns.exec);
    expect(sockets.filter((s) => s.proto === 'tcp' && s.state === 'LISTEN')).toEqual([
      { proto: 'tcp', state: 'LISTEN', address: netns.nsIp, port: 8088 },
    ]);
    expect(sockets.filter((s) => s.proto === 'udp')).toEqual([
      { proto: 'udp', state: 'UNCONN', address: '127.0.0.1', port: rtpPort },
    ]);
    expect(sockets.every((s) => isLoopbackAddress(s.address) || s.address === netns.nsIp)).toBe(true);
  });

  it('plays the mountpoint in Chromium', async () => {
    browser = await launchChromium();
    const page = await browser.newPage();
    const result = await play(page, janus);
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
    const first = await play(page, janus);
    const closed = new Promise<string>((resolve) => first.viewer.once('closed', resolve));
    const restarted = new Promise<void>((resolve) => janus.once('restarted', resolve));
    const killedAt = performance.now();
    process.kill(janus.pid!, 'SIGKILL');
    expect(await closed).toBe('janus-died');
    await restarted;
    const restartMs = performance.now() - killedAt;
    // What the server does on `restarted`: tell the page to reconnect, which means a new viewer.
    const again = await play(page, janus);
    console.log(
      `kill -9 → restarted ${Math.round(restartMs)} ms; → playing again ${Math.round(performance.now() - killedAt)} ms; ${JSON.stringify(again.metrics)}`,
    );
    expect(again.metrics.frames).toBeGreaterThan(30);
    await again.viewer.stop();
    await page.close();
  });
});

interface PlayResult {
  viewer: JanusViewer;
  janusCandidates: string[];
  remoteAddress: string | null;
  metrics: {
    offerMs: number;
    webrtcUpMs: number;
    firstFrameMs: number;
    frames: number;
    width: number;
    height: number;
    decoded: number;
    dropped: number;
    localCandidateType: string | null;
  };
}

/**
 * Brokers one viewer the way the server will: watch → offer → the page answers → start → candidates both ways,
 * then counts frames the page's <video> presents. Times are from the `watch` request.
 */
async function play(page: Page, janus: JanusService): Promise<PlayResult> {
  const peer = await PeerPage.open(page);
  const viewer = await janus.createViewer(1);
  const fromJanus: (IceCandidate | null)[] = [];
  // Full trickle: Janus's candidates may come before `watch` resolves, so listen first.
  viewer.on('candidate', (candidate) => fromJanus.push(candidate));
  const t0 = Date.now();
  const up = new Promise<number>((resolve) => viewer.once('webrtcup', () => resolve(Date.now())));

  const offer = await viewer.watch();
  const offerMs = Date.now() - t0;
  expect(offer.sdp).toContain('H264/90000');
  await viewer.start({ type: 'answer', sdp: await peer.answer(offer.sdp) });

  // Candidates both ways until each side has sent its end-of-candidates.
  let toBrowser = 0;
  let browserDone = false;
  await waitFor('ICE candidates to be exchanged', async () => {
    while (toBrowser < fromJanus.length) {
      const candidate = fromJanus[toBrowser++];
      if (candidate !== null && candidate !== undefined) await peer.addCandidate(candidate);
    }
    for (const candidate of await peer.takeLocalCandidates()) {
      await viewer.trickle(candidate);
      if (candidate === null) browserDone = true;
    }
    return browserDone && fromJanus.at(-1) === null && toBrowser === fromJanus.length;
  });
  const webrtcUpMs = (await up) - t0;

  await waitFor('more than 30 presented frames', async () => (await peer.frames()) > 30, 15_000);
  const seen = await peer.result();
  return {
    viewer,
    janusCandidates: fromJanus.filter((c) => c !== null).map((c) => c.candidate),
    remoteAddress: seen.remoteAddress,
    metrics: {
      offerMs,
      webrtcUpMs,
      firstFrameMs: seen.firstFrameAt - t0,
      frames: seen.frames,
      width: seen.width,
      height: seen.height,
      decoded: seen.decoded,
      dropped: seen.dropped,
      localCandidateType: seen.localCandidateType,
    },
  };
}
