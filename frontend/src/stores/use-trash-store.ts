// The trash: what was deleted (newest first), putting entries back, and emptying it for good. Editors and admins
// only; like the files, it lives in the vault and is dropped whenever the vault is not open.
import { defineStore, storeToRefs } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { api } from '../api/client';
import type { BatchFailure, TrashEntry } from '../api/types';
import { useAuthStore } from './use-auth-store';
import { useVaultStore } from './use-vault-store';

export const useTrashStore = defineStore('trash', () => {
  const auth = useAuthStore();
  const { state: vaultState } = storeToRefs(useVaultStore());

  const entries = ref<TrashEntry[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  /** The last failure of load(), or null once a load succeeds. */
  const loadError = shallowRef<unknown>(null);

  const newestFirst = computed(() =>
    [...entries.value].sort((a, b) => Date.parse(b.deletedAt) - Date.parse(a.deletedAt)),
  );

  let generation = 0;

  async function load(): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    try {
      const list = await api.listTrash();
      if (mine !== generation) return;
      entries.value = list.entries;
      loaded.value = true;
      loadError.value = null;
    } catch (err) {
      if (mine !== generation) return;
      loadError.value = err;
      throw err;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  /** Puts entries back where they were (or at the top when that folder is gone). Lists what failed. */
  async function restore(ids: string[]): Promise<BatchFailure[]> {
    try {
      return (await api.restoreTrash({ ids })).failed;
    } finally {
      await load().catch(() => undefined);
    }
  }

  /** Deletes everything in the trash for good; resolves with how many entries went. */
  async function empty(): Promise<number> {
    try {
      return (await api.emptyTrash()).deleted;
    } finally {
      await load().catch(() => undefined);
    }
  }

  function forget(): void {
    generation += 1;
    entries.value = [];
    loaded.value = false;
    loading.value = false;
    loadError.value = null;
  }

  watch(vaultState, (now) => {
    if (now !== 'unlocked') forget();
  });
  watch(() => auth.user?.id, forget);

  return { entries: newestFirst, loaded, loading, loadError, load, restore, empty };
});
