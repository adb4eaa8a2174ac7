// The first code of every page, ahead of the app's bundle: on a camera's own page it starts the video's
// connection and plays it into an early <video> while the app boots (lib/live-preconnect.ts,
// lib/early-video.ts). Kept free of Vue so it loads and runs at once.
import { createEarlyVideo, discardEarlyVideo, playEarlyVideo } from './lib/early-video';
import { startLivePreconnect } from './lib/live-preconnect';

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
