// The names the Files page shows where they differ from an entry's own: recordings' top folders are camera ids
// (recordings/<camera>/<day>/), shown by the camera's name. The camera list is fetched when recordings are shown.
import { computed, watch, type Ref } from 'vue';
import type { FileEntry, FileRootName } from '../api/types';
import { entryLabel } from '../lib/file-roots';
import { useCamerasStore } from '../stores/use-cameras-store';

export function useEntryLabels(deps: {
  /** The place the address asks for (the camera list is fetched for recordings). */
  wanted: Ref<FileRootName>;
  /** The place, folder and entries on screen. */
  root: Ref<FileRootName>;
  folder: Ref<string>;
  entries: Ref<readonly FileEntry[]>;
}) {
  const cameras = useCamerasStore();
  const cameraNames = computed(() => new Map(cameras.cameras.map((camera) => [camera.id, camera.name])));
  /** On-screen names by entry name, only where they differ. */
  const labels = computed(() => {
    const found = new Map<string, string>();
    for (const entry of deps.entries.value) {
      const label = entryLabel(deps.root.value, deps.folder.value, entry.name, cameraNames.value);
      if (label !== entry.name) found.set(entry.name, label);
    }
    return found;
  });
  watch(
    deps.wanted,
    (place) => {
      // Without the names the ids still show: a failed camera list is no reason to keep recordings away.
      if (place === 'recordings' && !cameras.loaded) cameras.load().catch(() => undefined);
    },
    { immediate: true },
  );
  return { cameraNames, labels };
}
