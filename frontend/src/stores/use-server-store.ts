// What the app knows about the server itself: its health (version, uptime) and whether first-run setup is
// still pending. The router guard loads it once at start; the overview page refreshes it.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '../api/client';
import type { Health } from '../api/types';

export const useServerStore = defineStore('server', () => {
  const health = ref<Health | null>(null);
  /** Mirrors `health.setupRequired`, but is flipped locally as soon as this browser completes setup. */
  const setupRequired = ref(false);
  /** The failure that kept the app from starting (server unreachable at boot); the app shows it full-page. */
  const bootError = ref<unknown>(null);

  /** Fetches GET /api/health; throws on failure so the caller decides how loud to be. */
  async function loadHealth(): Promise<Health> {
    const next = await api.health();
    health.value = next;
    setupRequired.value = next.setupRequired;
    return next;
  }

  function markSetupDone(): void {
    setupRequired.value = false;
    if (health.value) health.value = { ...health.value, setupRequired: false };
  }

  function setBootError(err: unknown): void {
    bootError.value = err;
  }

  return { health, setupRequired, bootError, loadHealth, markSetupDone, setBootError };
});
