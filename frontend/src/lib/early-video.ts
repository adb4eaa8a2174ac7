// The camera page's <video> element, made before the app boots: the early session (live-preconnect.ts) plays
// into it while the app's shell still loads, so the picture is on screen first, and the camera tile then takes
// this very element into its frame (moving a playing element keeps it playing), rather than starting a new one
// that would wait for its own first frame.

/** The classes and attributes every live <video> carries, whether the tile made it or the early page did. */
export function createLiveVideo(doc: Document): HTMLVideoElement {
  const video = doc.createElement('video');
  video.className = 'frame-video';
  video.dataset['testid'] = 'camera-video';
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.disablePictureInPicture = true;
  return video;
}

interface EarlyVideo {
  cameraId: number;
  video: HTMLVideoElement;
  holder: HTMLElement;
}

let early: EarlyVideo | null = null;
/**
 * Puts an empty <video> for `cameraId` on the page, below the loading notice; it shows itself once it has a
 * picture. Styled inline because the app's style sheets are not loaded yet.
 */
export function createEarlyVideo(cameraId: number, doc: Document): HTMLVideoElement {
  const holder = doc.createElement('div');
  holder.dataset['testid'] = 'early-video';
  Object.assign(holder.style, {
    display: 'none',
    margin: '0 auto',
    maxWidth: '100%',
    aspectRatio: '16 / 9',
    maxHeight: '80vh',
    background: '#000',
  });
  const video = createLiveVideo(doc);
  Object.assign(video.style, { display: 'block', width: '100%', height: '100%', objectFit: 'contain' });
  video.addEventListener(
    'loadeddata',
    () => {
      holder.style.display = 'block';
    },
    { once: true },
  );
  holder.append(video);
  doc.body.append(holder);
  early = { cameraId, video, holder };
  return video;
}

/** Plays `stream` in the early <video>, if there still is one. */
export function playEarlyVideo(stream: MediaStream): void {
  if (early === null) return;
  early.video.srcObject = stream;
  early.video.play().catch(() => undefined);
}

/**
 * Moves the early <video> of `cameraId` into `host` and returns it (the tile's own from then on), or null when
 * there is none for that camera. Whatever the answer, the early holder leaves the page.
 */
export function adoptEarlyVideo(cameraId: number, host: HTMLElement): HTMLVideoElement | null {
  const taken = early;
  early = null;
  if (taken === null) return null;
  if (taken.cameraId !== cameraId) {
    discard(taken);
    return null;
  }
  taken.video.removeAttribute('style');
  host.append(taken.video);
  taken.holder.remove();
  return taken.video;
}

/** Takes the early <video> off the page (its session ended without a tile to take it). */
export function discardEarlyVideo(): void {
  if (early !== null) discard(early);
  early = null;
}

function discard(taken: EarlyVideo): void {
  taken.video.srcObject = null;
  taken.holder.remove();
}
