// The vault's state for every signed-in page (the nav indicator, the insecure-vault banner) and the vault page's
// actions. It is loaded when the app shell mounts and then kept current by the server's `vault` pushes on
// /api/ws. Pushes sent while the socket was down are lost, so every new connection reloads it; and since
// admins see details others do not, a change of user or role does too.
import { defineStore, storeToRefs } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { api, type Download } from '../api/client';
import type { CreateVaultRequest, VaultStatus } from '../api/types';
import { useLiveSocket } from '../composables/use-live-socket';
import { parseVaultEvent, type VaultProgress } from '../lib/vault-status';
import { useAuthStore } from './use-auth-store';

export const useVaultStore = defineStore('vault', () => {
  const auth = useAuthStore();
  const socket = useLiveSocket();
  const { connectionId } = storeToRefs(socket);

  const status = ref<VaultStatus | null>(null);
  const loading = ref(false);
  /** The last failure of load(), or null once a load succeeds. */
  const loadError = shallowRef<unknown>(null);
  /** The latest step of a long operation (creation) announced to admins; null when none is running. */
  const progress = ref<VaultProgress | null>(null);
  /**
   * The recovery key of the vault this browser just created, until the admin confirms it is stored. It lives
   * here rather than in the form that asked for it: that form is gone as soon as the vault exists.
   */
  const recoveryKey = ref<string | null>(null);

  const state = computed(() => status.value?.state ?? null);
  const insecure = computed(() => status.value?.insecure === true);
  /** Admins only; null for other roles and before the first load. */
  const details = computed(() => status.value?.details ?? null);

  let inFlight: Promise<void> | null = null;
  // Bumped by every reason to fetch anew (a push, a key change), so a load already under way fetches once more.
  let wanted = 0;
  // Bumped by every action's answer, so a status fetched before it (and answered after it) is not taken.
  let answered = 0;

  /** Fetches the status; concurrent calls share one request. Failures are kept in loadError and rethrown. */
  function load(): Promise<void> {
    inFlight ??= (async () => {
      loading.value = true;
      try {
        for (;;) {
          const asked = wanted;
          const seen = answered;
          const next = await api.vaultStatus();
          if (seen === answered) status.value = next;
          if (asked === wanted) break;
        }
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

  /** Like load(), but a load already under way (started before the news) does not count. */
  function loadFresh(): Promise<void> {
    wanted += 1;
    return load();
  }

  /** Reloads in the background after news; a failure shows through loadError. */
  function reload(): void {
    loadFresh().catch(() => undefined);
  }

  function accept(next: VaultStatus): void {
    answered += 1;
    status.value = next;
    loadError.value = null;
  }

  /** Runs a state-changing action; on failure the state may have moved (another admin), so look again. */
  async function changing<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (err) {
      reload();
      throw err;
    }
  }

  socket.on('event', (message) => {
    const event = parseVaultEvent(message.topic, message.data);
    if (event === null) return;
    if (event.kind === 'progress') {
      progress.value = event.progress;
      return;
    }
    // The new state shows at once (nav, banner); the details that go with it follow from the reload.
    if (status.value !== null && status.value.state !== event.state) {
      status.value = { ...status.value, state: event.state };
    }
    reload();
  });

  watch(connectionId, () => {
    if (status.value !== null) reload();
  });

  watch(
    () => (auth.user === null ? null : `${auth.user.id}:${auth.user.role}`),
    (now) => {
      if (now === null) {
        status.value = null;
        progress.value = null;
        loadError.value = null;
        recoveryKey.value = null;
      } else if (status.value !== null) {
        reload();
      }
    },
  );

  async function unlock(passphrase: string): Promise<void> {
    accept(await changing(() => api.unlockVault({ passphrase })));
  }

  /** `force` unmounts even while processes hold the volume (after VAULT_BUSY named them). */
  async function lock(force = false): Promise<void> {
    accept(await changing(() => api.lockVault(force ? { force: true } : {})));
  }

  /** Formats the device; the recovery key, which the server never shows again, waits in `recoveryKey`. */
  async function create(request: CreateVaultRequest): Promise<void> {
    progress.value = null;
    try {
      const created = await changing(() => api.createVault(request));
      recoveryKey.value = created.recoveryKey;
      accept(created.vault);
    } finally {
      progress.value = null;
    }
  }

  /** The admin has stored the recovery key: drop this browser's only copy. */
  function forgetRecoveryKey(): void {
    recoveryKey.value = null;
  }

  /** After a key slot change: the slots come with the status. A failed reload shows through loadError. */
  async function afterKeyChange<T>(result: T): Promise<T> {
    await loadFresh().catch(() => undefined);
    return result;
  }

  /** Adds `newPassphrase` in a free key slot; `passphrase` is any that opens the vault. Resolves with the slot. */
  async function addKey(passphrase: string, newPassphrase: string): Promise<number> {
    return afterKeyChange((await api.addVaultKey({ passphrase, newPassphrase })).slot);
  }

  async function removeKey(slot: number, passphrase: string): Promise<void> {
    await api.removeVaultKey(slot, { passphrase });
    await afterKeyChange(undefined);
  }

  /** Replaces `passphrase` with `newPassphrase` in the slot it opens. Resolves with that slot. */
  async function changePassphrase(passphrase: string, newPassphrase: string): Promise<number> {
    return afterKeyChange((await api.changeVaultPassphrase({ passphrase, newPassphrase })).slot);
  }

  /** The LUKS header backup as a file; `password` is the admin's own account password. */
  function headerBackup(password: string): Promise<Download> {
    return api.vaultHeaderBackup({ password });
  }

  return {
    status,
    state,
    insecure,
    details,
    loading,
    loadError,
    progress,
    recoveryKey,
    load,
    unlock,
    lock,
    create,
    forgetRecoveryKey,
    addKey,
    removeKey,
    changePassphrase,
    headerBackup,
  };
});
