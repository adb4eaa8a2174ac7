import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appRoot } from '../server/config.js';

/**
 * Browser-side code for the live bench, as strings (the bench is typed without the DOM). The stamp decoder is
 * the test camera's own (dist/media/test-pattern/stamp.js, dependency-free), turned into a classic script.
 */
export function stampDecoderScript(): string {
  const module = readFileSync(path.join(appRoot(), 'dist/media/test-pattern/stamp.js'), 'utf8');
  const classic = module.replace(/^export /gm, '').replace(/^\/\/# sourceMappingURL=.*$/m, '');
  return `(() => { ${classic}\n window.__decodeStamp = decodeStamp; })();`;
}

/**
 * A frame at most this old counts as live. The first frame a new viewer sees is the keyframe Janus kept for
 * it (`videobufferkf`), up to a GOP old, so the first frame and the first live frame are told apart.
 */
export const LIVE_FRAME_MS = 150;

/**
 * Starts sampling glass-to-glass delay on the page: for every frame the element shows, read the stamp from the
 * top band and push Date.now() − stamp. `selector` is a <video> (frames via requestVideoFrameCallback) or an
 * <img> (MJPEG: polled on every animation frame, a sample when the stamp changes).
 */
export function samplerScript(selector: string): string {
  return `(() => {
    window.__samples = []; window.__firstFrameMs = null; window.__firstLiveMs = null;
    // The same two moments by when the frame was due on screen (video only): the compositor shows video frames
    // without the page's main thread, so a page busy booting reads its first frame later than it was shown.
    window.__firstShownMs = null; window.__firstLiveShownMs = null;
    // Per video frame, from requestVideoFrameCallback's metadata (Chromium fills it for WebRTC): when its last
    // packet arrived (receiveTime), when it was handed to the compositor (presentationTime) and when it is
    // due on screen (expectedDisplayTime), all on the page's clock; wall time is timeOrigin + that.
    window.__stages = []; window.__presented = [];
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    let last = null;
    const read = (el, w, meta) => {
      if (!w) return;
      const band = Math.ceil(w / 64);
      canvas.width = w; canvas.height = band;
      ctx.drawImage(el, 0, 0, w, band, 0, 0, w, band);
      const stamp = window.__decodeStamp(ctx.getImageData(0, 0, w, band).data, w, band);
      if (stamp === null || stamp === last) return;
      last = stamp;
      if (window.__firstFrameMs === null) window.__firstFrameMs = performance.now();
      if (window.__firstLiveMs === null && Date.now() - stamp <= ${LIVE_FRAME_MS}) window.__firstLiveMs = performance.now();
      window.__samples.push(Date.now() - stamp);
      if (meta) {
        if (window.__firstShownMs === null) window.__firstShownMs = meta.expectedDisplayTime;
        if (window.__firstLiveShownMs === null && performance.timeOrigin + meta.expectedDisplayTime - stamp <= ${LIVE_FRAME_MS})
          window.__firstLiveShownMs = meta.expectedDisplayTime;
        if (typeof meta.receiveTime === 'number')
          window.__stages.push([
            performance.timeOrigin + meta.receiveTime - stamp,
            meta.presentationTime - meta.receiveTime,
            meta.expectedDisplayTime - meta.presentationTime,
          ]);
      }
    };
    const wait = () => {
      const el = document.querySelector(${JSON.stringify(selector)});
      if (!el) return requestAnimationFrame(wait);
      if (el.tagName === 'VIDEO') {
        // Every callback notes when its frame was presented and how many the element has presented in all, so
        // a gap the sampler itself missed (a busy page skips callbacks, not frames) is not taken for a freeze.
        const tick = (now, meta) => {
          window.__presented.push([meta.presentationTime, meta.presentedFrames]);
          read(el, el.videoWidth, meta);
          el.requestVideoFrameCallback(tick);
        };
        el.requestVideoFrameCallback(tick);
      } else {
        // An <img> has no frame counter: every new stamp counts as one presented picture.
        let pictures = 0;
        const tick = () => {
          const before = last;
          read(el, el.naturalWidth);
          if (last !== before) window.__presented.push([performance.now(), ++pictures]);
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }
    };
    wait();
  })()`;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Milestones of a page load on its way to the first frame, in ms from navigation start (first occurrence). */
export const TIMELINE_STEPS = [
  'htmlReceived',
  'entryScriptLoaded',
  'domContentLoaded',
  'appMounted',
  'camerasListed',
  'socketOpen',
  'watchSent',
  'offerReceived',
  'peerCreated',
  'offer',
  'answer',
  'iceConnected',
  'connected',
  'videoData',
] as const;
export type Timeline = Partial<Record<(typeof TIMELINE_STEPS)[number], number>>;

/**
 * An init script that records a page's way to its first frame in `window.__timeline`: the app's WebSocket and
 * peer connection are wrapped to note when they open, get the offer, answer and connect, and the first
 * `loadeddata` of any <video>. Run before the app's own code, so nothing is missed.
 */
export function timelineScript(): string {
  return `(() => {
    const timeline = (window.__timeline = {});
    const mark = (step) => { if (!(step in timeline)) timeline[step] = performance.now(); };
    document.addEventListener('DOMContentLoaded', () => {
      mark('domContentLoaded');
      const nav = performance.getEntriesByType('navigation')[0];
      if (nav) timeline.htmlReceived = nav.responseEnd;
      new MutationObserver((_, observer) => {
        if (!document.querySelector('#app .app-loading')) { mark('appMounted'); observer.disconnect(); }
      }).observe(document.getElementById('app') ?? document.body, { childList: true, subtree: true });
    });
    window.__longTasks = 0;
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!('videoData' in timeline)) window.__longTasks += entry.duration;
      }).observe({ type: 'longtask', buffered: true });
    } catch {}
    document.addEventListener('loadeddata', (event) => { if (event.target.tagName === 'VIDEO') mark('videoData'); }, true);
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (/\\/api\\/cameras(\\?|$)/.test(entry.name)) mark('camerasListed');
        if (/\\/assets\\/index-[^/]*\\.js$/.test(entry.name)) timeline.entryScriptLoaded ??= entry.responseEnd;
      }
    }).observe({ type: 'resource', buffered: true });
    const NativeSocket = window.WebSocket;
    window.WebSocket = class extends NativeSocket {
      constructor(...args) {
        super(...args);
        this.addEventListener('open', () => mark('socketOpen'));
        this.addEventListener('message', (event) => {
          if (typeof event.data === 'string' && event.data.includes('"live.offer"')) mark('offerReceived');
        });
      }
      send(data) {
        if (typeof data === 'string' && data.includes('"live.watch"')) mark('watchSent');
        return super.send(data);
      }
    };
    const NativePeer = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends NativePeer {
      constructor(...args) {
        super(...args);
        mark('peerCreated');
        this.addEventListener('iceconnectionstatechange', () => {
          if (this.iceConnectionState === 'connected') mark('iceConnected');
        });
        this.addEventListener('connectionstatechange', () => {
          if (this.connectionState === 'connected') mark('connected');
        });
      }
      setRemoteDescription(...args) { mark('offer'); return super.setRemoteDescription(...args); }
      async setLocalDescription(...args) {
        mark('answer');
        const done = await super.setLocalDescription(...args);
        // Whether the answer kept the playout-delay header extension Janus offers (zero smoothing delay).
        window.__playoutDelay = /playout-delay/.test(this.localDescription?.sdp ?? '');
        return done;
      }
    };
  })()`;
}

/** Glass-to-glass split per frame: capture → last packet received, received → presented, presented → on screen. */
export const STAGE_NAMES = ['capture → received', 'received → presented', 'presented → on screen'] as const;

/** Gaps between presented frames longer than this count as a freeze. */
export const FREEZE_MS = 500;

/**
 * The freezes in one page's presented frames, given as [presentation time, frames presented so far] per sampler
 * callback: a stretch between two callbacks counts when, even with the frames presented inside it spread evenly,
 * more than FREEZE_MS lies between two of them (a busy page skips callbacks, not frames; the count says how many
 * it skipped). Returns how many, and the longest gap (ms) on that reading.
 */
export function freezes(presented: readonly (readonly [number, number])[]): {
  count: number;
  longestMs: number;
} {
  let count = 0;
  let longestMs = 0;
  for (let i = 1; i < presented.length; i++) {
    const [at, frames] = presented[i] ?? [0, 0];
    const [before, framesBefore] = presented[i - 1] ?? [0, 0];
    const gap = (at - before) / Math.max(1, frames - framesBefore);
    longestMs = Math.max(longestMs, gap);
    if (gap > FREEZE_MS) count++;
  }
  return { count, longestMs };
}
