// Full screen for one element (a camera frame), with the fallbacks of lib/fullscreen.ts: the browser's own
// full screen where it can, the <video>'s on iPhone, else filling the window (the caller binds `windowFill`
// to a CSS class), which Escape or the same button ends.
import { computed, onScopeDispose, ref, type Ref } from 'vue';
import {
  enterFullscreen,
  exitFullscreen,
  FULLSCREEN_EVENTS,
  fullscreenElement,
  fullscreenMethod,
} from '../lib/fullscreen';

export function useFullscreen(
  target: Readonly<Ref<HTMLElement | null>>,
  /** The <video> inside, for iPhone Safari; null when it is not what shows (e.g. MJPEG fallback). */
  video: () => HTMLVideoElement | null,
) {
  const browserFullscreen = ref(false);
  /** True while the element fills the window because real full screen is not available. */
  const windowFill = ref(false);

  function sync(): void {
    browserFullscreen.value = target.value !== null && fullscreenElement() === target.value;
  }

  function onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') leaveWindowFill();
  }

  function leaveWindowFill(): void {
    windowFill.value = false;
    document.removeEventListener('keydown', onKeydown);
  }

  function fillWindow(): void {
    windowFill.value = true;
    document.addEventListener('keydown', onKeydown);
  }

  async function toggle(): Promise<void> {
    const element = target.value;
    if (!element) return;
    if (windowFill.value) {
      leaveWindowFill();
      return;
    }
    if (browserFullscreen.value) {
      await exitFullscreen();
      return;
    }
    const method = fullscreenMethod(document, element, video());
    if (method === 'window') {
      fillWindow();
      return;
    }
    try {
      await enterFullscreen(method, element, video());
    } catch (err) {
      // Refused (e.g. blocked by a permissions policy): filling the window still gives a big picture.
      console.warn('Full screen was refused; filling the window instead', err);
      fillWindow();
    }
  }

  for (const type of FULLSCREEN_EVENTS) document.addEventListener(type, sync);
  onScopeDispose(() => {
    for (const type of FULLSCREEN_EVENTS) document.removeEventListener(type, sync);
    document.removeEventListener('keydown', onKeydown);
  });

  return {
    /** In browser full screen or filling the window. */
    active: computed(() => browserFullscreen.value || windowFill.value),
    windowFill: computed(() => windowFill.value),
    toggle,
  };
}
