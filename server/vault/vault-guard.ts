import { statSync } from 'node:fs';
import { lstat, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';

/** The mounted volume as recorded at unlock: where it is and which device (st_dev) its files live on. */
export interface MountedVault {
  root: string;
  dev: number;
}

export const vaultLocked = () =>
  new AppError('VAULT_LOCKED', 423, 'The vault is locked. An admin has to unlock it first.');

/**
 * The one check every writer makes before writing (uploads, trash, zips, recordings, vault.db): the target is
 * inside the vault and on the device recorded at unlock. A volume unmounted behind Vigil's back (USB unplugged,
 * `umount` by hand) leaves a bare directory on the system disk at the same path; its st_dev differs, so writes
 * become VAULT_LOCKED errors instead of plaintext on the system disk. A file system mounted inside the vault's
 * mount (a disk mounted into one of its folders) also counts: it is not the system disk either, and it is gone
 * when the vault is. `onLost` hears about a vault found unmounted.
 */
export class VaultGuard {
  private mounted: MountedVault | null = null;

  constructor(private readonly onLost: () => void) {}

  /** Set at unlock, cleared at lock (and when the volume is found gone). */
  set(mounted: MountedVault | null): void {
    this.mounted = mounted;
  }

  get current(): MountedVault | null {
    return this.mounted;
  }

  /** Throws VAULT_LOCKED unless `target` (absolute, need not exist yet) would be written onto the vault. */
  async assertWritable(target: string): Promise<MountedVault> {
    const mounted = this.mounted;
    if (mounted === null) throw vaultLocked();
    const resolved = path.resolve(target);
    const relative = path.relative(mounted.root, resolved);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new AppError('OUTSIDE_VAULT', 400, 'That place is outside the vault.');
    }
    // The volume's own root first: if it is gone, nothing under it counts.
    if (!(await onDevice(mounted.root, mounted.dev))) {
      this.lose(mounted);
      throw vaultLocked();
    }
    const ancestor = await nearestExisting(resolved);
    if (!(await onDevice(ancestor, mounted.dev)) && !(await onNestedMount(ancestor, mounted.root))) {
      throw vaultLocked();
    }
    return mounted;
  }

  /** True while the recorded volume is still mounted where it was (a cheap stat, no helper call). */
  async stillMounted(): Promise<boolean> {
    const mounted = this.mounted;
    if (mounted === null) return false;
    if (await onDevice(mounted.root, mounted.dev)) return true;
    this.lose(mounted);
    return false;
  }

  private lose(mounted: MountedVault): void {
    if (this.mounted !== mounted) return;
    this.mounted = null;
    this.onLost();
  }
}

/** The target's deepest ancestor that exists (its device is where a new file would go), found by lstat. */
function nearestExisting(target: string): Promise<string> {
  const walk = async (candidate: string): Promise<string> => {
    try {
      await lstat(candidate);
      return candidate;
    } catch {
      const parent = path.dirname(candidate);
      return parent === candidate ? candidate : walk(parent);
    }
  };
  return walk(target);
}

/**
 * True when `target` lives on a file system mounted somewhere inside the vault's own mount (a disk the owner
 * mounted into a folder of the vault): it is not the system disk, and it goes away with the vault.
 */
async function onNestedMount(target: string, root: string): Promise<boolean> {
  let dev: number;
  try {
    dev = (await stat(target)).dev;
  } catch {
    return false;
  }
  const mountPoints = (await readFile('/proc/self/mountinfo', 'utf8').catch(() => ''))
    .split('\n')
    // Field 5 is the mount point, with spaces and the like escaped as octal.
    .map((line) =>
      (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_m, octal: string) =>
        String.fromCharCode(parseInt(octal, 8)),
      ),
    )
    .filter((point) => point.startsWith(`${root}/`));
  for (const point of mountPoints) {
    if (await onDevice(point, dev)) return true;
  }
  return false;
}

async function onDevice(target: string | Promise<string>, dev: number): Promise<boolean> {
  // One synchronous stat: microseconds, and every file request makes this check.
  return statSync(await target, { throwIfNoEntry: false })?.dev === dev;
}
