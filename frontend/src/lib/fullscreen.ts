// Full screen for a camera view, on every browser Vigil meets on a LAN. The standard Fullscreen API needs no
// secure context, but iPhone Safari only lets a <video> go full screen (webkitEnterFullscreen), some
// embedded browsers have nothing at all, and fullscreenEnabled is false inside iframes. The last resort is
// "fill the window": a CSS class the caller applies to the element.

/** How to go full screen, best first. */
export type FullscreenMethod = 'standard' | 'webkit' | 'video' | 'window';

interface WebkitDocument {
  fullscreenEnabled?: boolean;
  fullscreenElement?: Element | null;
  exitFullscreen?: () => Promise<void>;
  webkitFullscreenEnabled?: boolean;
  webkitFullscreenElement?: Element | null;
  webkitExitFullscreen?: () => void;
}

interface WebkitElement {
  requestFullscreen?: (options?: FullscreenOptions) => Promise<void>;
  webkitRequestFullscreen?: () => void;
}

interface WebkitVideo {
  webkitEnterFullscreen?: () => void;
  webkitSupportsFullscreen?: boolean;
}

/** The best method for `element` (and its `video`, for iPhone Safari) in `doc`. */
export function fullscreenMethod(doc: object, element: object, video: object | null): FullscreenMethod {
  const d = doc as WebkitDocument;
  const e = element as WebkitElement;
  if (d.fullscreenEnabled === true && typeof e.requestFullscreen === 'function') return 'standard';
  if (d.webkitFullscreenEnabled === true && typeof e.webkitRequestFullscreen === 'function') return 'webkit';
  const v = video as WebkitVideo | null;
  if (v !== null && typeof v.webkitEnterFullscreen === 'function' && v.webkitSupportsFullscreen !== false) {
    return 'video';
  }
  return 'window';
}

/** The element the browser shows full screen, if any. */
export function fullscreenElement(doc: Document = document): Element | null {
  const d = doc as WebkitDocument;
  return d.fullscreenElement ?? d.webkitFullscreenElement ?? null;
}

/**
 * Asks for full screen with `method`. Resolves once the browser accepted; rejects when it refused (e.g. not
 * triggered by a click). 'window' does nothing here: the caller applies its CSS.
 */
export async function enterFullscreen(
  method: FullscreenMethod,
  element: HTMLElement,
  video: HTMLVideoElement | null,
): Promise<void> {
  switch (method) {
    case 'standard':
      await (element as WebkitElement).requestFullscreen?.({ navigationUI: 'hide' });
      return;
    case 'webkit':
      (element as WebkitElement).webkitRequestFullscreen?.();
      return;
    case 'video':
      (video as WebkitVideo | null)?.webkitEnterFullscreen?.();
      return;
    case 'window':
      return;
  }
}

/** Leaves browser full screen, if the page is in it. */
export async function exitFullscreen(doc: Document = document): Promise<void> {
  const d = doc as WebkitDocument;
  if (d.fullscreenElement && typeof d.exitFullscreen === 'function') await d.exitFullscreen();
  else if (d.webkitFullscreenElement && typeof d.webkitExitFullscreen === 'function')
    d.webkitExitFullscreen();
}

/** The events that announce entering or leaving browser full screen. */
export const FULLSCREEN_EVENTS = ['fullscreenchange', 'webkitfullscreenchange'] as const;
