import { timingSafeEqual } from 'node:crypto';
import { mkdir, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';
import { VAULT_LAYOUT, type VaultBackend, type VaultStatus } from './vault-backend.js';

const notEncrypted = () =>
  new AppError(
    'NOT_SUPPORTED',
    409,
    'The development vault is a plain directory: it has no LUKS header, key slots or header backup.',
  );

const same = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * VIGIL_VAULT=dir:<path>: an UNENCRYPTED directory standing in for the volume, for development and for tests of
 * the features that write into the vault. It starts unlocked with its layout made, and locks and unlocks through
 * the same API (no passphrase, or VIGIL_DEV_VAULT_PASSPHRASE), so those features can test the locked state.
 */
export function createDirBackend(root: string, passphrase: string | null): VaultBackend {
  let unlocked = true;

  const open = async (): Promise<number> => {
    for (const folder of VAULT_LAYOUT) await mkdir(path.join(root, folder), { recursive: true, mode: 0o750 });
    unlocked = true;
    return (await stat(root)).dev;
  };

  return {
    kind: 'dir',
    mountPoint: root,
    // It starts unlocked (with or without a passphrase): only the API's unlock asks for one.
    resume: open,
    async status(): Promise<VaultStatus> {
      const space = unlocked ? await statfs(root).catch(() => null) : null;
      return {
        state: unlocked ? 'unlocked' : 'locked',
        reason: null,
        reasonCode: null,
        details: {
          device: null,
          mapper: null,
          mountPoint: root,
          luks: null,
          mapperActive: false,
          mounted: unlocked,
          filesystem: unlocked ? 'directory (unencrypted)' : null,
          sizeBytes: space ? space.blocks * space.bsize : null,
          usedBytes: space ? (space.blocks - space.bfree) * space.bsize : null,
          freeBytes: space ? space.bavail * space.bsize : null,
        },
      };
    },
    async unlock(given) {
      if (passphrase !== null && !same(given, passphrase)) {
        throw new AppError('WRONG_PASSPHRASE', 403, 'That passphrase does not open the vault.');
      }
      return open();
    },
    async lock() {
      unlocked = false;
    },
    create: () => Promise.reject(notEncrypted()),
    addKey: () => Promise.reject(notEncrypted()),
    removeKey: () => Promise.reject(notEncrypted()),
    changeKey: () => Promise.reject(notEncrypted()),
    headerBackup: () => Promise.reject(notEncrypted()),
  };
}
