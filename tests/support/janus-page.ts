import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { IceCandidate } from '../../server/live/janus/janus-http.js';
import type { JanusViewer } from '../../server/live/janus/janus-viewer.js';
import type { JanusService } from '../../server/live/janus/janus.service.js';
import { waitFor } from './janus-media.js';

// Runs in the page (kept as text: the test project has no DOM types). One RTCPeerConnection that answers an
// offer, queues its own candidates for the test to collect, and counts frames its <video> presents.
const PAGE_SCRIPT = `
window.vigilPeer = (() => {
  const video = document.createElement('video');
  video.autoplay = true;
  video.muted = true;
  video.playsInline = true;
  document.body.append(video);
  const pc = new RTCPeerConnection();
  const local = [];
  const frames = { count: 0, firstAt: 0 };
  pc.onicecandidate = (e) => local.push(e.candidate === null ? null : e.candidate.toJSON());
  pc.ontrack = (e) => { video.srcObject = e.streams[0] ?? new MediaStream([e.track]); };
  const onFrame = () => {
    if (frames.count++ === 0) frames.firstAt = Date.now();
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  return {
    async answer(sdp) {
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      return pc.localDescription.sdp;
    },
    addCandidate: (c) => pc.addIceCandidate(c),
    takeLocal: () => local.splice(0),
    frames: () => frames.count,
    async result() {
      const quality = video.getVideoPlaybackQuality();
      const stats = [...(await pc.getStats()).values()];
      const transport = stats.find((s) => s.type === 'transport');
      const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
      const remote = stats.find((s) => s.id === pair?.remoteCandidateId);
      const localCandidate = stats.find((s) => s.id === pair?.localCandidateId);
      return {
        frames: frames.count,
        firstFrameAt: frames.firstAt,
        width: video.videoWidth,
        height: video.videoHeight,
        decoded: quality.totalVideoFrames,
        dropped: quality.droppedVideoFrames,
        remoteAddress: remote?.address ?? null,
        localCandidateType: localCandidate?.candidateType ?? null,
      };
    },
  };
})();
`;

export interface PeerResult {
  frames: number;
  /** Date.now() in the page when the first frame was presented (0 if none). */
  firstFrameAt: number;
  width: number;
  height: number;
  decoded: number;
  dropped: number;
  /** Address of Janus's side of the selected candidate pair. */
  remoteAddress: string | null;
  localCandidateType: string | null;
}

/** A receive-only RTCPeerConnection and a <video> in a fresh page, driven from the test. */
export class PeerPage {
  private readonly page: Page;

  private constructor(page: Page) {
    this.page = page;
  }

  static async open(page: Page): Promise<PeerPage> {
    await page.setContent('<!doctype html><body></body>');
    await page.evaluate(PAGE_SCRIPT);
    return new PeerPage(page);
  }

  /** Applies Janus's offer and returns the browser's SDP answer. */
  answer(offerSdp: string): Promise<string> {
    return this.page.evaluate<string>(`window.vigilPeer.answer(${JSON.stringify(offerSdp)})`);
  }

  addCandidate(candidate: IceCandidate): Promise<void> {
    return this.page.evaluate<undefined>(`window.vigilPeer.addCandidate(${JSON.stringify(candidate)})`);
  }

  /** The browser's candidates gathered since the last call; `null` marks the end of gathering. */
  takeLocalCandidates(): Promise<(IceCandidate | null)[]> {
    return this.page.evaluate<(IceCandidate | null)[]>('window.vigilPeer.takeLocal()');
  }

  frames(): Promise<number> {
    return this.page.evaluate<number>('window.vigilPeer.frames()');
  }

  result(): Promise<PeerResult> {
    return this.page.evaluate<PeerResult>('window.vigilPeer.result()');
  }
}

export interface PlayResult {
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
export async function playMountpoint(page: Page, janus: JanusService, cameraId: number): Promise<PlayResult> {
  const peer = await PeerPage.open(page);
  const viewer = await janus.createViewer(cameraId);
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
