/** What the vault is, as far as Vigil can tell. `unavailable` wins over `absent`. */
export type VaultState = 'absent' | 'locked' | 'unlocked' | 'unavailable';

export interface KeySlot {
  slot: number;
  pbkdf: string | null;
}

/** Everything an admin sees about the volume; nulls where the backend or the state has no answer. */
export interface VaultDetails {
  device: string | null;
  mapper: string | null;
  mountPoint: string;
  luks: {
    version: number;
    uuid: string;
    cipher: string;
    keySizeBits: number;
    pbkdf: string;
    slots: KeySlot[];
    slotsTotal: number;
  } | null;
  mapperActive: boolean;
  mounted: boolean;
  filesystem: string | null;
  sizeBytes: number | null;
  usedBytes: number | null;
  freeBytes: number | null;
}

export interface VaultStatus {
  state: VaultState;
  /** Why it is `unavailable` or `absent`, in words; null otherwise. */
  reason: string | null;
  /** The same as a stable code, e.g. DM_UNAVAILABLE; null otherwise. */
  reasonCode: string | null;
  details: VaultDetails;
}

export interface CreateOptions {
  passphrase: string;
  recoveryKey: string;
  wipe: boolean;
  /** Reports each long step as it starts. */
  progress: (step: number, steps: number, label: string) => void;
}

/** The LUKS volume behind the helper, or the development directory. Errors are VaultctlError/AppError. */
export interface VaultBackend {
  readonly kind: 'luks' | 'dir';
  /** Where the volume is mounted while unlocked. */
  readonly mountPoint: string;
  status(): Promise<VaultStatus>;
  /** At start-up: the st_dev of the volume if it is mounted and usable now (e.g. after a server restart). */
  resume(): Promise<number | null>;
  /** Opens and mounts, with the layout made; resolves with the device id (st_dev) its files live on. */
  unlock(passphrase: string): Promise<number>;
  /** Unmounts and closes (after the service has quiesced its writers). BUSY carries `holders`. */
  lock(force: boolean): Promise<void>;
  /** The volume is formatted, opened, given a file system and mounted; resolves with its st_dev. */
  create(options: CreateOptions): Promise<number>;
  addKey(passphrase: string, newPassphrase: string): Promise<number>;
  removeKey(slot: number, passphrase: string): Promise<void>;
  changeKey(passphrase: string, newPassphrase: string): Promise<number>;
  /** The LUKS header and key slots, as `cryptsetup luksHeaderBackup` writes them. */
  headerBackup(): Promise<Buffer>;
}

/** The folders every unlocked vault has; made at unlock (and creation) when missing. */
export const VAULT_LAYOUT = ['files', 'recordings', 'snapshots'] as const;
