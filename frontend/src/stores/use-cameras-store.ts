// Every camera with its live state. Pages that show status call startPolling() while mounted; the list is
// then refreshed every 3 s (one request at a time, paused while the tab is hidden). Each mutation replaces
// the affected row with the server's answer.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { api } from '../api/client';
import type { Camera, CreateCameraRequest, ProbeResult, UpdateCameraRequest } from '../api/types';
import type { ProbeTarget } from '../lib/camera-form';

/** How often the camera list is refreshed while a page polls, in milliseconds. */
export const CAMERA_POLL_INTERVAL_MS = 3_000;

export const useCamerasStore = defineStore('cameras', () => {
  const cameras = ref<Camera[]>([]);
  const loading = ref(false);
  const loaded = ref(false);
  /** The last failure of load(), or null once a load succeeds. */
  const loadError = shallowRef<unknown>(null);

  const enabledCameras = computed(() => cameras.value.filter((camera) => camera.enabled));

  let inFlight: Promise<void> | null = null;
  // Bumped by every mutation, so a list fetched before it (and answered after it) is not taken as current.
  let mutations = 0;
  let pollers = 0;
  let pollTimer: ReturnType<typeof setInterval> | undefined;

  function byId(id: number): Camera | undefined {
    return cameras.value.find((camera) => camera.id === id);
  }

  /**
   * Fetches the list; concurrent calls share one request. Failures are kept in loadError and rethrown.
   * `speculative`: started before the session is checked (see the router), so a 401 does not end the session.
   */
  function load(options: { speculative?: boolean } = {}): Promise<void> {
    inFlight ??= (async () => {
      loading.value = true;
      try {
        const seen = mutations;
        let list = await api.listCameras(options.speculative);
        if (seen !== mutations) list = await api.listCameras(options.speculative);
        cameras.value = list;
        loaded.value = true;
        loadError.value = null;
      } catch (err) {
        loadError.value = err;
        throw err;
      } finally {
        loading.value = false;
        inFlight = null;
      }
    })();
    return inFlight;
  }

  function poll(): void {
    if (document.hidden || inFlight !== null) return;
    // A failed poll is shown through loadError; the next tick tries again.
    load().catch(() => undefined);
  }

  function onVisible(): void {
    if (!document.hidden) poll();
  }

  /** Loads now and then every 3 s until the returned function is called; calls may nest. */
  function startPolling(): () => void {
    pollers += 1;
    if (pollers === 1) {
      pollTimer = setInterval(poll, CAMERA_POLL_INTERVAL_MS);
      document.addEventListener('visibilitychange', onVisible);
    }
    poll();
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      pollers -= 1;
      if (pollers > 0) return;
      clearInterval(pollTimer);
      pollTimer = undefined;
      document.removeEventListener('visibilitychange', onVisible);
    };
  }

  function replace(updated: Camera): void {
    mutations += 1;
    cameras.value = cameras.value.some((camera) => camera.id === updated.id)
      ? cameras.value.map((camera) => (camera.id === updated.id ? updated : camera))
      : [...cameras.value, updated];
  }

  async function create(request: CreateCameraRequest): Promise<Camera> {
    const created = await api.createCamera(request);
    replace(created);
    return created;
  }

  async function update(id: number, patch: UpdateCameraRequest): Promise<Camera> {
    const updated = await api.updateCamera(id, patch);
    replace(updated);
    return updated;
  }

  async function remove(id: number): Promise<void> {
    await api.deleteCamera(id);
    forget(id);
  }

  /** Drops a camera the server said is gone (e.g. live.ended camera-removed) before the next poll. */
  function forget(id: number): void {
    mutations += 1;
    cameras.value = cameras.value.filter((camera) => camera.id !== id);
  }

  function probe(target: ProbeTarget): Promise<ProbeResult> {
    return 'saved' in target ? api.probeSavedCamera(target.saved) : api.probeCamera(target.draft);
  }

  return {
    cameras,
    enabledCameras,
    loading,
    loaded,
    loadError,
    byId,
    load,
    startPolling,
    create,
    update,
    remove,
    forget,
    probe,
  };
});
