import { stat } from 'node:fs/promises';
import { AppError } from '../errors.js';
import type { VaultBackend, VaultDetails, VaultStatus } from './vault-backend.js';
import type { Vaultctl } from './vaultctl.js';

/** `vigil-vaultctl status`, as appliance/vaultctl documents it. */
interface HelperStatus {
  configured: boolean;
  config: { device: string; mapper: string; mount: string } | null;
  kernel: { deviceMapper: boolean; cryptsetup: boolean };
  device: {
    exists: boolean;
    kind: 'block' | 'file' | null;
    isLuks: boolean;
    signature: string | null;
  } | null;
  luks: {
    version: number;
    uuid: string;
    cipher: string;
    keySizeBits: number;
    pbkdf: string;
    slots: { slot: number; pbkdf?: string | null }[];
    slotsTotal: number;
  } | null;
  mapper: { active: boolean; path: string } | null;
  mount: {
    mounted: boolean;
    sourceIsMapper: boolean;
    fsType: string | null;
    sizeBytes: number | null;
    usedBytes: number | null;
    freeBytes: number | null;
  } | null;
}

export interface LuksSettings {
  device: string | null;
  mapper: string;
  mount: string;
  pbkdf: { memoryKiB: number; iterations: number } | null;
}

/**
 * The LUKS2 volume, through the privileged helper. The helper's own root-owned configuration names the device,
 * mapper and mount point; Vigil's settings must agree with it, or the vault is `unavailable` and says why.
 */
export function createLuksBackend(settings: LuksSettings, helper: Vaultctl): VaultBackend {
  const pbkdfArgs = settings.pbkdf
    ? [
        '--pbkdf-memory',
        String(settings.pbkdf.memoryKiB),
        '--pbkdf-iterations',
        String(settings.pbkdf.iterations),
      ]
    : [];
  const mapperPath = `/dev/mapper/${settings.mapper}`;

  /** The device id files on the open mapper carry, checked against the mount point's. */
  const mountedDev = async (): Promise<number> => {
    const [device, mount] = await Promise.all([stat(mapperPath), stat(settings.mount)]);
    if (mount.dev !== device.rdev) {
      throw new AppError('VAULT_LOCKED', 423, 'The vault is not mounted where Vigil expects it.');
    }
    return mount.dev;
  };

  const helperStatus = async (): Promise<HelperStatus> =>
    // The helper is ours and documents this shape; a mismatch would show up in the vault tests.
    (await helper.run('status')) as unknown as HelperStatus;

  const unavailableReason = (s: HelperStatus): [code: string, reason: string] | null => {
    if (!s.kernel.deviceMapper)
      return [
        'DM_UNAVAILABLE',
        'this kernel has no device-mapper (dm-crypt), so LUKS volumes cannot be opened',
      ];
    if (!s.kernel.cryptsetup) return ['CRYPTSETUP_MISSING', 'cryptsetup is not installed'];
    if (!s.configured || s.config === null)
      return ['HELPER_NOT_CONFIGURED', 'the vault helper is not configured (/etc/vigil/vaultctl.conf)'];
    const mismatch = (['device', 'mapper', 'mount'] as const).find(
      (key) =>
        s.config?.[key] !== { device: settings.device, mapper: settings.mapper, mount: settings.mount }[key],
    );
    if (mismatch !== undefined) {
      return [
        'HELPER_MISMATCH',
        `the vault helper is configured for another ${mismatch} (${s.config[mismatch]}) than Vigil`,
      ];
    }
    return null;
  };

  const describe = (s: HelperStatus): VaultStatus => {
    const details: VaultDetails = {
      device: settings.device,
      mapper: settings.mapper,
      mountPoint: settings.mount,
      luks: s.luks
        ? {
            ...s.luks,
            slots: s.luks.slots.map((slot) => ({ slot: slot.slot, pbkdf: slot.pbkdf ?? null })),
          }
        : null,
      mapperActive: s.mapper?.active ?? false,
      mounted: s.mount?.mounted === true && s.mount.sourceIsMapper,
      filesystem: s.mount?.fsType ?? null,
      sizeBytes: s.mount?.sizeBytes ?? null,
      usedBytes: s.mount?.usedBytes ?? null,
      freeBytes: s.mount?.freeBytes ?? null,
    };
    const unavailable = unavailableReason(s);
    if (unavailable !== null)
      return { state: 'unavailable', reasonCode: unavailable[0], reason: unavailable[1], details };
    const absent = (reasonCode: string, reason: string): VaultStatus => ({
      state: 'absent',
      reasonCode,
      reason,
      details,
    });
    if (settings.device === null) return absent('NO_DEVICE', 'no vault device is configured');
    if (s.device?.exists !== true) return absent('NO_DEVICE', `${settings.device} does not exist`);
    if (!s.device.isLuks) {
      return s.device.signature === null
        ? absent('DEVICE_EMPTY', `${settings.device} is empty`)
        : absent('NOT_LUKS', `${settings.device} holds ${s.device.signature}, not LUKS`);
    }
    return { state: details.mounted ? 'unlocked' : 'locked', reason: null, reasonCode: null, details };
  };

  const status = async (): Promise<VaultStatus> => {
    try {
      return describe(await helperStatus());
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'HELPER_UNAVAILABLE') {
        return {
          state: 'unavailable',
          reasonCode: 'HELPER_UNAVAILABLE',
          reason: error.message,
          details: {
            device: settings.device,
            mapper: settings.mapper,
            mountPoint: settings.mount,
            luks: null,
            mapperActive: false,
            mounted: false,
            filesystem: null,
            sizeBytes: null,
            usedBytes: null,
            freeBytes: null,
          },
        };
      }
      throw error;
    }
  };

  const mount = async (): Promise<number> => {
    await helper.run('mount');
    return mountedDev();
  };

  return {
    kind: 'luks',
    mountPoint: settings.mount,
    status,
    async resume() {
      const current = await status();
      return current.state === 'unlocked' ? mountedDev().catch(() => null) : null;
    },
    async unlock(passphrase) {
      await helper.run('open', [], { passphrase });
      return mount();
    },
    async lock(force) {
      await helper.run('umount', force ? ['--force'] : []);
      await helper.run('close', force ? ['--deferred'] : []);
    },
    async create({ passphrase, recoveryKey, wipe, progress }) {
      const wipeArgs = wipe ? ['--wipe'] : [];
      progress(1, 4, 'Encrypting the volume (LUKS2, AES-XTS 512-bit, argon2id)');
      await helper.run('format', [...wipeArgs, ...pbkdfArgs], { passphrase, recoveryKey });
      progress(2, 4, 'Opening the volume');
      await helper.run('open', [], { passphrase });
      progress(3, 4, 'Making the file system (ext4)');
      await helper.run('mkfs', ['--wipe']);
      progress(4, 4, 'Mounting and making the folders');
      return mount();
    },
    async addKey(passphrase, newPassphrase) {
      const answer = await helper.run('add-key', pbkdfArgs, { passphrase, newPassphrase });
      return Number(answer['slot']);
    },
    async removeKey(slot, passphrase) {
      await helper.run('remove-key', ['--slot', String(slot)], { passphrase });
    },
    async changeKey(passphrase, newPassphrase) {
      const answer = await helper.run('change-key', pbkdfArgs, { passphrase, newPassphrase });
      return Number(answer['slot']);
    },
    headerBackup: () => helper.capture('header-backup'),
  };
}
