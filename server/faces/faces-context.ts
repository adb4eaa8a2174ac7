/**
 * What the faces code shares: the stores over the current vault.db (null while locked or while a safe lock
 * waits), the crop files under the vault's `faces/` (written through the write guard exactly as event
 * snapshots are: beside the final name, fsynced, renamed), and the registered vault writer, so a safe lock
 * waits for crops being written and enrolments under way.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type Sqlite from 'better-sqlite3';
import { AppError } from '../errors.js';
import type { VaultService } from '../vault/vault.service.js';
import { writeFileDurably } from '../vault/durable-write.js';
import { vaultLocked } from '../vault/vault-guard.js';
import { createEventFacesStore, type EventFacesStore } from './event-faces.store.js';
import { createFacesStore, type FacesStore } from './faces.store.js';

export interface FaceStores {
  people: FacesStore;
  eventFaces: EventFacesStore;
}

/** Where an event face's crop lives: one folder per event, so the event's removal takes them in one go. */
export const eventCropPath = (eventId: number, digest: string) =>
  path.join('faces', 'events', String(eventId), `${digest}.jpg`);
export const eventCropFolder = (eventId: number) => path.join('faces', 'events', String(eventId));
/** Samples outlive the event they came from (and move between people on a merge): a name of their own. */
export const newSampleCropPath = () => path.join('faces', 'samples', `${randomUUID()}.jpg`);

export function createFacesContext(vault: VaultService) {
  let paused = false;
  const pending = new Set<Promise<unknown>>();
  let cached: { db: Sqlite.Database; stores: FaceStores } | null = null;

  vault.writers.register({
    name: 'faces',
    quiesce: async () => {
      paused = true;
      await Promise.allSettled([...pending]);
    },
    resume: () => {
      paused = false;
    },
  });

  const stores = (): FaceStores | null => {
    const db = vault.database();
    if (!db || paused) return null;
    if (cached?.db !== db)
      cached = { db, stores: { people: createFacesStore(db), eventFaces: createEventFacesStore(db) } };
    return cached.stores;
  };

  const absolute = (relative: string) => path.join(vault.mountPoint, relative);

  return {
    stores,
    storesOrLocked(): FaceStores {
      const current = stores();
      if (!current) throw vaultLocked();
      return current;
    },

    /** Runs `work` as one the safe lock waits for. */
    track<T>(work: Promise<T>): Promise<T> {
      pending.add(work);
      void work.then(
        () => pending.delete(work),
        () => pending.delete(work),
      );
      return work;
    },

    /** Keeps the JPEG at `relative` on the vault (never half a file under its final name). */
    async write(relative: string, bytes: Uint8Array): Promise<void> {
      await writeFileDurably(vault.guard, absolute(relative), bytes);
    },

    async read(relative: string | null): Promise<Buffer> {
      if (relative === null) throw new AppError('NO_CROP', 404, 'This face has no picture.');
      return readFile(absolute(relative)).catch((error: unknown) => {
        throw new AppError('NO_CROP', 404, 'The face’s picture is gone.', { cause: error });
      });
    },

    /** Removes a file or folder under the vault (checked to be on it first); a missing one is no error. */
    async remove(relative: string): Promise<void> {
      const target = absolute(relative);
      await vault.guard.assertWritable(target);
      await rm(target, { force: true, recursive: true });
    },
  };
}
export type FacesContext = ReturnType<typeof createFacesContext>;
