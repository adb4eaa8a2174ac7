// The file manager's folder: where the user is (a place, files or recordings, and a folder in it), what is in it (every page of the listing), the selection, the
// order and the view. The files live in the vault, so the listing follows the vault's state: it is dropped
// while the vault is not open (nothing of it may linger on screen) and fetched anew once it opens again.
import { defineStore, storeToRefs } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { api, isApiError } from '../api/client';
import type { BatchFailure, FileEntry, FileRootName } from '../api/types';
import { useLiveSocket } from '../composables/use-live-socket';
import {
  DEFAULT_SORT,
  parseTransferProgress,
  sortEntries,
  type SortOrder,
  type TransferProgress,
} from '../lib/file-entries';
import { joinPath, normalizePath, ROOT } from '../lib/file-paths';
import {
  anchorAt,
  clickSelect,
  EMPTY_SELECTION,
  extendSelection,
  pruneSelection,
  toggleAll,
  toggleOne,
  type SelectModifiers,
  type Selection,
} from '../lib/file-selection';
import { useAuthStore } from './use-auth-store';
import { useVaultStore } from './use-vault-store';

export type ViewMode = 'list' | 'grid';

/** localStorage key of the chosen view ("list" | "grid"); a preference of this browser, not of the account. */
export const VIEW_MODE_KEY = 'vigil.files.view';

function readViewMode(): ViewMode {
  try {
    return localStorage.getItem(VIEW_MODE_KEY) === 'grid' ? 'grid' : 'list';
  } catch (err) {
    // Storage can be switched off (private modes, policies); the default view is fine then.
    console.warn('The files view preference could not be read', err);
    return 'list';
  }
}

/** What a batch (move, copy, delete) did: the paths it handled and those it could not, with reasons. */
export interface BatchOutcome {
  done: string[];
  failed: BatchFailure[];
}

export const useFilesStore = defineStore('files', () => {
  const auth = useAuthStore();
  const vault = useVaultStore();
  const socket = useLiveSocket();
  const { state: vaultState } = storeToRefs(vault);

  /** The place the folder is in: the vault's files, or its recordings (read-only). */
  const root = ref<FileRootName>('files');
  /** The folder the user is in (API path within `root`). */
  const folder = ref(ROOT);
  /** The folder's entries, in the server's order; all pages. */
  const entries = ref<FileEntry[]>([]);
  /** Whether `entries` is the current folder's listing (false before it arrives and after a failure). */
  const loaded = ref(false);
  const loading = ref(false);
  /** The last failure of load(), or null once a load succeeds. */
  const loadError = shallowRef<unknown>(null);
  const selection = shallowRef<Selection>(EMPTY_SELECTION);
  const sort = ref<SortOrder>({ ...DEFAULT_SORT });
  const viewMode = ref<ViewMode>(readViewMode());
  /** The long move or copy under way, from the server's pushes; null when none. */
  const transfer = ref<TransferProgress | null>(null);
  /** Whether the files page is open: only then is the listing kept current. */
  const active = ref(false);

  const sorted = computed(() => sortEntries(entries.value, sort.value));
  /** Names in display order: what selection ranges and keyboard moves follow. */
  const order = computed(() => sorted.value.map((entry) => entry.name));
  const selectedEntries = computed(() =>
    sorted.value.filter((entry) => selection.value.selected.has(entry.name)),
  );
  const selectedPaths = computed(() =>
    selectedEntries.value.map((entry) => joinPath(folder.value, entry.name)),
  );

  // Bumped by every reason the answer of a load in flight no longer applies (another folder, a lock).
  let generation = 0;

  /** Fetches every page of the current folder. Failures are kept in loadError and rethrown. */
  async function load(): Promise<void> {
    const mine = ++generation;
    const path = folder.value;
    const place = root.value;
    loading.value = true;
    try {
      const all: FileEntry[] = [];
      for (;;) {
        const page = await api.listFiles(path, all.length, undefined, place);
        if (mine !== generation) return;
        all.push(...page.entries);
        // A folder that shrank meanwhile ends early; one that grew shows the rest on the next load.
        if (page.entries.length === 0 || all.length >= page.total) break;
      }
      entries.value = all;
      loaded.value = true;
      loadError.value = null;
      selection.value = pruneSelection(selection.value, order.value);
    } catch (err) {
      if (mine !== generation) return;
      loadError.value = err;
      loaded.value = false;
      entries.value = [];
      // The vault moved on before its push reached us (or the push was lost): let the vault store catch up.
      if (isApiError(err, 'VAULT_LOCKED')) vault.load().catch(() => undefined);
      throw err;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  /** Loads again in the background; a failure shows through loadError. */
  function reload(): void {
    load().catch(() => undefined);
  }

  /** Makes `path` in `place` the current folder without fetching it (while the vault is closed, say). */
  function setFolder(path: string, place: FileRootName = 'files'): void {
    const next = normalizePath(path);
    if (next === folder.value && place === root.value) return;
    generation += 1;
    root.value = place;
    folder.value = next;
    entries.value = [];
    loaded.value = false;
    loadError.value = null;
    selection.value = EMPTY_SELECTION;
  }

  /** Goes to `path` in `place` and fetches it (the page calls this whenever the address changes). */
  function open(path: string, place: FileRootName = 'files'): Promise<void> {
    setFolder(path, place);
    return load();
  }

  function forget(): void {
    generation += 1;
    entries.value = [];
    loaded.value = false;
    loading.value = false;
    loadError.value = null;
    selection.value = EMPTY_SELECTION;
    transfer.value = null;
  }

  function select(name: string, modifiers: SelectModifiers): void {
    selection.value = clickSelect(selection.value, order.value, name, modifiers);
  }
  /** Keyboard focus moved to `name`: Shift extends the selection there, otherwise only the anchor moves. */
  function focusMoved(from: string | null, name: string, extend: boolean): void {
    selection.value = extend
      ? extendSelection(selection.value, order.value, from, name)
      : anchorAt(selection.value, name);
  }
  function toggle(name: string): void {
    selection.value = toggleOne(selection.value, name);
  }
  function toggleEverything(): void {
    selection.value = toggleAll(selection.value, order.value);
  }
  function selectOnly(names: readonly string[]): void {
    selection.value = { selected: new Set(names), anchor: names.at(-1) ?? null };
  }
  function clearSelection(): void {
    selection.value = EMPTY_SELECTION;
  }

  function setViewMode(mode: ViewMode): void {
    viewMode.value = mode;
    try {
      localStorage.setItem(VIEW_MODE_KEY, mode);
    } catch (err) {
      // Not remembered across visits then; the view still switches.
      console.warn('The files view preference could not be saved', err);
    }
  }

  /** Runs a change, then shows the folder as it now is, whether the change worked or not. */
  async function changing<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } finally {
      await load().catch(() => undefined);
    }
  }

  async function makeFolder(name: string): Promise<void> {
    await changing(() => api.makeFolder(joinPath(folder.value, name), root.value));
  }

  async function rename(entry: FileEntry, name: string): Promise<void> {
    await changing(() =>
      api.renameFile({ root: root.value, path: joinPath(folder.value, entry.name), name }),
    );
    selectOnly([name]);
  }

  async function transferTo(kind: 'move' | 'copy', paths: string[], to: string): Promise<BatchOutcome> {
    try {
      return await changing(async () => {
        if (kind === 'move') {
          const answer = await api.moveFiles({ root: root.value, paths, to });
          return { done: answer.moved, failed: answer.failed };
        }
        const answer = await api.copyFiles({ root: root.value, paths, to });
        return { done: answer.copied, failed: answer.failed };
      });
    } finally {
      transfer.value = null;
    }
  }

  /** Moves to the trash. */
  async function remove(paths: string[]): Promise<BatchOutcome> {
    const answer = await changing(() => api.deleteFiles({ root: root.value, paths }));
    return { done: answer.deleted, failed: answer.failed };
  }

  socket.on('event', (message) => {
    const progress = parseTransferProgress(message.topic, message.data);
    if (progress !== null) transfer.value = progress;
  });

  watch(vaultState, (now, before) => {
    if (now !== 'unlocked') forget();
    else if (before !== 'unlocked' && active.value) reload();
  });

  watch(
    () => auth.user?.id,
    () => {
      forget();
      root.value = 'files';
      folder.value = ROOT;
    },
  );

  return {
    root,
    folder,
    entries,
    sorted,
    order,
    loaded,
    loading,
    loadError,
    selection,
    selectedEntries,
    selectedPaths,
    sort,
    viewMode,
    transfer,
    active,
    load,
    reload,
    setFolder,
    open,
    select,
    focusMoved,
    toggle,
    toggleEverything,
    selectOnly,
    clearSelection,
    setViewMode,
    makeFolder,
    rename,
    move: (paths: string[], to: string) => transferTo('move', paths, to),
    copy: (paths: string[], to: string) => transferTo('copy', paths, to),
    remove,
  };
});
