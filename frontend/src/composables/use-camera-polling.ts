// Keeps the camera list fresh (every 3 s) while the calling component is mounted, and words a failed
// refresh for the page. The first load's failure is the page's to show in place of its content.
import { storeToRefs } from 'pinia';
import { computed, onBeforeUnmount, onMounted } from 'vue';
import { errorMessage } from '../api/error-message';
import { useCamerasStore } from '../stores/use-cameras-store';

export function useCameraPolling() {
  const store = useCamerasStore();
  const { loaded, loadError } = storeToRefs(store);
  let stop: (() => void) | null = null;

  onMounted(() => {
    stop = store.startPolling();
  });
  onBeforeUnmount(() => {
    stop?.();
  });

  /** Why the list is not showing at all (first load failed), or null. */
  const loadProblem = computed(() =>
    !loaded.value && loadError.value !== null ? errorMessage(loadError.value) : null,
  );
  /** Why the statuses shown may be stale (a later refresh failed), or null. */
  const refreshProblem = computed(() =>
    loaded.value && loadError.value !== null
      ? `Camera status could not be refreshed. ${errorMessage(loadError.value)}`
      : null,
  );

  return { loadProblem, refreshProblem, retry: () => store.load().catch(() => undefined) };
}
