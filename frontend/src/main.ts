// The entry. On a camera's own page (`/live/<id>`) the video comes first: before the app's bundle loads, this
// opens the live connection and plays it into an early <video> (lib/live-preconnect.ts, lib/early-video.ts; no
// Vue here, so it runs at once), and the app boots once that connection is up or after a short wait, so the app's
// own start does not hold the connection's steps up. On every other page the app boots at once.
import { createEarlyVideo, discardEarlyVideo, playEarlyVideo } from './lib/early-video';
import { earlyConnection, startLivePreconnect } from './lib/live-preconnect';

/** The longest the app's boot waits for a camera page's early connection, in milliseconds. */
const EARLY_CONNECTION_WAIT_MS = 400;

const peer = (globalThis as { RTCPeerConnection?: typeof RTCPeerConnection }).RTCPeerConnection;
if (peer !== undefined) {
  const early = startLivePreconnect({
    location: window.location,
    WebSocket: window.WebSocket,
    RTCPeerConnection: peer,
    onStream: playEarlyVideo,
    onGone: discardEarlyVideo,
  });
  if (early !== null) createEarlyVideo(early.cameraId, document);
}

void earlyConnection(EARLY_CONNECTION_WAIT_MS).then(() => import('./app-boot'));
