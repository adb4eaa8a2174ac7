// What each camera's analysis sees right now, for the live overlay: the newest `detections` push per camera
// (pushed at the analysis rate, ~5 a second while something moves) and whether the user wants boxes drawn
// (remembered in this browser). A camera whose pushes stop is cleared after OVERLAY_MAX_AGE_MS, so a box never
// stays on an empty scene.
import { defineStore } from 'pinia';
import { ref, shallowReactive } from 'vue';
import { useLiveSocket } from '../composables/use-live-socket';
import { parseDetectionsPush, type DetectionsPush } from '../lib/event-feed';

export const OVERLAY_MAX_AGE_MS = 1_500;
const PREFERENCE_KEY = 'vigil.liveOverlay';

function readPreference(): boolean {
  try {
    return localStorage.getItem(PREFERENCE_KEY) !== 'off';
  } catch {
    return true;
  }
}

export const useDetectionsStore = defineStore('detections', () => {
  const latest = shallowReactive(new Map<number, DetectionsPush & { receivedAt: number }>());
  const overlayOn = ref(readPreference());
  let sweep: ReturnType<typeof setInterval> | undefined;

  function setOverlay(on: boolean): void {
    overlayOn.value = on;
    try {
      localStorage.setItem(PREFERENCE_KEY, on ? 'on' : 'off');
    } catch {
      // Private windows may refuse storage; the choice then lasts for this visit.
    }
  }

  function expire(): void {
    const now = performance.now();
    for (const [id, push] of latest) if (now - push.receivedAt > OVERLAY_MAX_AGE_MS) latest.delete(id);
    if (latest.size === 0) {
      clearInterval(sweep);
      sweep = undefined;
    }
  }

  useLiveSocket().on('event', (message) => {
    const push = parseDetectionsPush(message.topic, message.data);
    if (push === null) return;
    latest.set(push.cameraId, { ...push, receivedAt: performance.now() });
    sweep ??= setInterval(expire, 250);
  });

  return { latest, overlayOn, setOverlay };
});
