import type Sqlite from 'better-sqlite3';
import type { FastifyBaseLogger } from 'fastify';
import path from 'node:path';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { SessionUser } from '../auth/sessions.service.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { AppError, tooManyAttempts } from '../errors.js';
import type { WsHub } from '../ws/ws-hub.js';
import { newRecoveryKey } from './recovery-key.js';
import type { VaultBackend, VaultStatus } from './vault-backend.js';
import { VaultGuard } from './vault-guard.js';
import { VaultctlError, vaultctlToAppError } from './vaultctl.js';
import { openVaultDb } from './vault-db.js';
import { VaultWriters } from './vault-writers.js';

export interface Actor {
  user: SessionUser;
  ip: string;
}

/** How long a status read from the helper is reused (each read runs cryptsetup through sudo). */
const STATUS_TTL_MS = 2_000;
/** Safe lock: how long writers get to stop and flush before the volume is unmounted anyway. */
const WRITERS_GRACE_MS = 10_000;

/**
 * The vault's life: status (cached briefly), unlock (throttled and audited like sign-ins), safe lock, creation
 * with a recovery key, key slots and header backups. Announces every state change on /api/ws (topic `vault`)
 * and long steps to admins (topic `vault.progress`). Owns the guard every writer asks before writing, the
 * registry of writers a lock waits for, and vault.db while unlocked.
 */
export function createVaultService(deps: {
  backend: VaultBackend;
  hub: WsHub;
  audit: AuditRepository;
  log: FastifyBaseLogger;
  now: () => Date;
}) {
  const { backend, hub, audit, log, now } = deps;
  const throttle = new LoginThrottle({ perAccountIp: 5, perIp: 15 });
  const writers = new VaultWriters();
  let cached: { at: number; status: VaultStatus } | null = null;
  let refreshing: Promise<VaultStatus> | null = null;
  let vaultDb: Sqlite.Database | null = null;
  const databaseListeners = new Set<(db: Sqlite.Database | null) => void>();
  /** vault.db opened (unlock) or closed (lock, volume lost): whoever keeps state derived from it hears it. */
  const setVaultDb = (db: Sqlite.Database | null) => {
    vaultDb = db;
    for (const listener of databaseListeners) listener(db);
  };
  let busy = false;

  const announce = (status: VaultStatus) => {
    hub.broadcast({ type: 'event', topic: 'vault', data: { state: status.state } });
  };
  const guard = new VaultGuard(() => {
    log.warn('the vault volume went away behind Vigil’s back; writes are refused until it is unlocked again');
    closeVaultDb();
    // The development vault only knows what it is told; a LUKS volume's state is read from the system.
    if (backend.kind === 'dir') void backend.lock(false);
    cached = null;
    void refresh(true).catch(() => undefined);
  });

  function refresh(force = false): Promise<VaultStatus> {
    if (!force && cached && Date.now() - cached.at < STATUS_TTL_MS) return Promise.resolve(cached.status);
    refreshing ??= backend
      .status()
      .then((status) => {
        const before = cached?.status.state;
        cached = { at: Date.now(), status };
        // Every state change reaches every tab exactly once, whoever noticed it.
        if (before !== status.state) announce(status);
        if (status.state !== 'unlocked' && guard.current !== null) {
          guard.set(null);
          closeVaultDb();
        }
        return status;
      })
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  }

  const record = (actor: Actor, action: string, detail?: string) =>
    audit.record({
      action,
      userId: actor.user.userId,
      username: actor.user.username,
      ip: actor.ip,
      detail: detail ?? null,
    });

  /** One vault operation at a time: two admins clicking lock and unlock together get VAULT_BUSY for one. */
  async function exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (busy)
      throw new AppError('VAULT_BUSY', 409, 'Another vault operation is running. Try again in a moment.');
    busy = true;
    try {
      return await work();
    } catch (error) {
      throw error instanceof VaultctlError ? vaultctlToAppError(error) : error;
    } finally {
      busy = false;
    }
  }

  /** After unlock or creation: record the device, open vault.db, tell everyone. */
  async function becameUnlocked(dev: number): Promise<VaultStatus> {
    guard.set({ root: backend.mountPoint, dev });
    await guard.assertWritable(path.join(backend.mountPoint, 'vault.db'));
    setVaultDb(openVaultDb(backend.mountPoint, now));
    return refresh(true);
  }

  function closeVaultDb(): void {
    try {
      vaultDb?.close();
    } catch (error) {
      log.error({ err: error }, 'closing vault.db failed');
    }
    setVaultDb(null);
  }

  const mustBe = async (...states: VaultStatus['state'][]) => {
    const status = await refresh(true);
    if (states.includes(status.state)) return status;
    // The reason's own code when there is one (DM_UNAVAILABLE on a kernel without device-mapper), so a client
    // can tell "this machine cannot" from "the helper is missing"; VAULT_UNAVAILABLE for the rest.
    if (status.state === 'unavailable')
      throw new AppError(
        status.reasonCode ?? 'VAULT_UNAVAILABLE',
        503,
        `The vault is unavailable: ${status.reason ?? 'unknown'}.`,
      );
    if (status.state === 'absent')
      throw new AppError('VAULT_ABSENT', 409, 'There is no vault yet. Create one first.');
    if (status.state === 'locked') throw new AppError('VAULT_LOCKED', 423, 'The vault is locked.');
    throw new AppError('VAULT_UNLOCKED', 409, 'The vault is already unlocked.');
  };

  return {
    guard,
    writers,
    /** vault.db while unlocked (events, recordings index, faces live here), else null. */
    database: () => vaultDb,
    /** Calls `listener` whenever vault.db opens or closes; returns the function that stops it. */
    onDatabase(listener: (db: Sqlite.Database | null) => void): () => void {
      databaseListeners.add(listener);
      return () => databaseListeners.delete(listener);
    },
    backendKind: backend.kind,
    /** Where the volume is mounted while unlocked (files/, recordings/, snapshots/ live under it). */
    mountPoint: backend.mountPoint,

    /** At start-up: pick up a volume that is already mounted (e.g. the server restarted). */
    async start(): Promise<void> {
      const dev = await backend.resume().catch((error: unknown) => {
        log.warn({ err: error }, 'the vault state could not be read at start-up');
        return null;
      });
      if (dev !== null) await becameUnlocked(dev);
      else await refresh(true).catch(() => undefined);
    },

    async status(): Promise<VaultStatus> {
      // A cheap stat first: a volume unmounted behind Vigil's back shows as soon as anyone looks.
      if (guard.current !== null) await guard.stillMounted();
      return refresh();
    },

    unlock: (actor: Actor, passphrase: string) =>
      exclusive(async () => {
        const key = `vault:${actor.user.userId}`;
        const verdict = throttle.check(key, actor.ip, Date.now());
        if (!verdict.allowed) throw tooManyAttempts(verdict.retryAfterSeconds);
        await mustBe('locked');
        let dev: number;
        try {
          dev = await backend.unlock(passphrase);
        } catch (error) {
          const code = error instanceof VaultctlError || error instanceof AppError ? error.code : null;
          if (code === 'WRONG_PASSPHRASE') {
            const lockedOut = throttle.recordFailure(key, actor.ip, Date.now());
            await record(actor, 'vault.unlock_failed');
            if (lockedOut) await record(actor, 'vault.unlock_lockout');
          }
          throw error;
        }
        await record(actor, 'vault.unlocked');
        return becameUnlocked(dev);
      }),

    lock: (actor: Actor, force: boolean) =>
      exclusive(async () => {
        await mustBe('unlocked');
        const mounted = guard.current;
        guard.set(null); // new writes get VAULT_LOCKED from here on
        await writers.quiesceAll(WRITERS_GRACE_MS, log);
        closeVaultDb();
        try {
          await backend.lock(force);
        } catch (error) {
          // Still mounted: writes may go on.
          if (mounted !== null) {
            guard.set(mounted);
            setVaultDb(openVaultDb(backend.mountPoint, now));
          }
          writers.resumeAll();
          if (error instanceof VaultctlError && error.code === 'BUSY') {
            throw new AppError('VAULT_BUSY', 409, busyMessage(error.details['holders']), {
              cause: error,
              details: { holders: error.details['holders'] ?? [] },
            });
          }
          throw error;
        }
        writers.resumeAll();
        await record(actor, force ? 'vault.locked_forced' : 'vault.locked');
        return refresh(true);
      }),

    create: (actor: Actor, options: { passphrase: string; wipe: boolean }) =>
      exclusive(async () => {
        await mustBe('absent', 'locked');
        const recoveryKey = newRecoveryKey();
        const dev = await backend.create({
          passphrase: options.passphrase,
          recoveryKey,
          wipe: options.wipe,
          progress: (step, steps, label) => {
            hub.sendToRole('admin', {
              type: 'event',
              topic: 'vault.progress',
              data: { operation: 'create', step, steps, label },
            });
          },
        });
        await record(actor, 'vault.created', options.wipe ? 'wiped the device first' : undefined);
        const status = await becameUnlocked(dev);
        return { recoveryKey, status };
      }),

    addKey: (actor: Actor, passphrase: string, newPassphrase: string) =>
      exclusive(async () => {
        await mustBe('locked', 'unlocked');
        const slot = await backend.addKey(passphrase, newPassphrase);
        await record(actor, 'vault.key_added', `slot ${slot}`);
        cached = null;
        return slot;
      }),

    removeKey: (actor: Actor, slot: number, passphrase: string) =>
      exclusive(async () => {
        await mustBe('locked', 'unlocked');
        await backend.removeKey(slot, passphrase);
        await record(actor, 'vault.key_removed', `slot ${slot}`);
        cached = null;
      }),

    changeKey: (actor: Actor, passphrase: string, newPassphrase: string) =>
      exclusive(async () => {
        await mustBe('locked', 'unlocked');
        const slot = await backend.changeKey(passphrase, newPassphrase);
        await record(actor, 'vault.key_changed', `slot ${slot}`);
        cached = null;
        return slot;
      }),

    headerBackup: (actor: Actor) =>
      exclusive(async () => {
        const status = await mustBe('locked', 'unlocked');
        const bytes = await backend.headerBackup();
        await record(actor, 'vault.header_backup');
        return { uuid: status.details.luks?.uuid ?? 'vault', bytes };
      }),

    close(): void {
      closeVaultDb();
    },
  };
}

export type VaultService = ReturnType<typeof createVaultService>;

function busyMessage(holders: unknown): string {
  const list = Array.isArray(holders) ? (holders as { pid?: number; name?: string }[]) : [];
  const names = [...new Set(list.map((h) => `${h.name ?? '?'} (${String(h.pid ?? '?')})`))].slice(0, 5);
  return names.length === 0
    ? 'Something still uses the vault. Close it, or lock with force.'
    : `Still in use by ${names.join(', ')}. Close them, or lock with force.`;
}
