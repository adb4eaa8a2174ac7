/**
 * Recording's RAM cache: where camera workers write segments before the recorder keeps or drops them. It must
 * be a tmpfs (or ramfs) so footage that is never kept never reaches a persistent disk; another filesystem is
 * refused unless the machine is declared a development one. Each worker session gets a directory of its own
 * (a restarted worker numbers its segments from 0 again, and must not overwrite the last session's).
 */
import { mkdirSync, rmSync, statfsSync } from 'node:fs';
import path from 'node:path';

/** statfs f_type of the RAM filesystems (linux/magic.h). */
const RAM_FILESYSTEMS = new Set([0x01021994 /* TMPFS_MAGIC */, 0x858458f6 /* RAMFS_MAGIC */]);

export class RamCacheError extends Error {
  readonly code = 'CACHE_NOT_IN_RAM';
}

export interface RamCache {
  readonly root: string;
  /** A new, empty directory for one camera worker session. */
  sessionDir(cameraId: number): string;
  /** Removes a session's directory and whatever is left in it. */
  dropSession(dir: string): void;
}

export function isRamFilesystem(dir: string): boolean {
  return RAM_FILESYSTEMS.has(statfsSync(dir).type);
}

/** Makes the cache (mode 0700), checks it is in RAM, and clears segments a previous run left behind. */
export function openRamCache(root: string, options: { allowPersistent: boolean }): RamCache {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  if (!options.allowPersistent && !isRamFilesystem(root))
    throw new RamCacheError(
      `The recording cache ${root} is not on a tmpfs: footage would reach a persistent disk. Point ` +
        'VIGIL_CACHE_DIR at a tmpfs (e.g. under /dev/shm), or set VIGIL_ALLOW_PERSISTENT_CACHE=1 on a development machine.',
    );
  const segments = path.join(root, 'segments');
  rmSync(segments, { recursive: true, force: true });
  mkdirSync(segments, { mode: 0o700 });
  let session = 0;
  return {
    root,
    sessionDir(cameraId) {
      // Time and a counter: unique within this run, and sortable when looking at the folder by hand.
      const dir = path.join(
        segments,
        String(cameraId),
        `${Date.now().toString(36)}-${(session++).toString(36)}`,
      );
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      return dir;
    },
    dropSession(dir) {
      if (path.dirname(path.dirname(dir)) === segments) rmSync(dir, { recursive: true, force: true });
    },
  };
}
