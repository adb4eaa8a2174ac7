import { Type } from 'typebox';
import { Nullable } from '../http/schemas.js';
import { PASSWORD_MAX_LENGTH } from '../auth/password-policy.js';

/** New vault passphrases: long enough to matter, short enough for cryptsetup, no control characters. */
export const VAULT_PASSPHRASE_MIN_LENGTH = 12;
const NewPassphrase = Type.String({
  minLength: VAULT_PASSPHRASE_MIN_LENGTH,
  maxLength: 512,
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
  description: `At least ${VAULT_PASSPHRASE_MIN_LENGTH} characters, no control characters`,
});
/** A passphrase that should open the vault (a recovery key is one too). */
const Passphrase = Type.String({ minLength: 1, maxLength: 512 });

const KeySlot = Type.Object({ slot: Type.Integer(), pbkdf: Nullable(Type.String()) });

const VaultDetails = Type.Object({
  device: Nullable(Type.String()),
  mapper: Nullable(Type.String()),
  mountPoint: Type.String(),
  luks: Nullable(
    Type.Object({
      version: Type.Integer(),
      uuid: Type.String(),
      cipher: Type.String(),
      keySizeBits: Type.Integer(),
      pbkdf: Type.String(),
      slots: Type.Array(KeySlot),
      slotsTotal: Type.Integer(),
    }),
  ),
  mapperActive: Type.Boolean(),
  mounted: Type.Boolean(),
  filesystem: Nullable(Type.String()),
  sizeBytes: Nullable(Type.Number()),
  usedBytes: Nullable(Type.Number()),
  freeBytes: Nullable(Type.Number()),
});

export const VaultStatusSchema = Type.Object(
  {
    state: Type.Union([
      Type.Literal('absent'),
      Type.Literal('locked'),
      Type.Literal('unlocked'),
      Type.Literal('unavailable'),
    ]),
    reason: Nullable(Type.String({ description: 'Why the vault is absent or unavailable' })),
    reasonCode: Nullable(
      Type.String({
        description:
          'The same as a code: DM_UNAVAILABLE, CRYPTSETUP_MISSING, HELPER_UNAVAILABLE, HELPER_NOT_CONFIGURED, HELPER_MISMATCH, NO_DEVICE, DEVICE_EMPTY, NOT_LUKS',
      }),
    ),
    backend: Type.Union([Type.Literal('luks'), Type.Literal('dir')]),
    insecure: Type.Boolean({ description: 'True for the unencrypted development vault (VIGIL_VAULT=dir:)' }),
    details: Nullable(VaultDetails),
  },
  { description: 'details are for admins only (null for other roles)' },
);

export const UnlockBody = Type.Object({ passphrase: Passphrase }, { additionalProperties: false });
export const LockBody = Type.Object(
  {
    force: Type.Optional(
      Type.Boolean({ description: 'Unmount lazily even if something still holds the volume' }),
    ),
  },
  { additionalProperties: false },
);
export const CreateBody = Type.Object(
  {
    passphrase: NewPassphrase,
    confirmDevice: Type.String({ maxLength: 4096, description: 'The device path, typed back' }),
    password: Type.String({ maxLength: PASSWORD_MAX_LENGTH, description: "The admin's own password" }),
    wipe: Type.Optional(Type.Boolean({ description: 'Erase an existing file system or LUKS header first' })),
  },
  { additionalProperties: false },
);
export const CreatedVault = Type.Object({
  recoveryKey: Type.String({ description: 'Shown once: it opens the vault when the passphrase is lost' }),
  vault: VaultStatusSchema,
});
export const AddKeyBody = Type.Object(
  { passphrase: Passphrase, newPassphrase: NewPassphrase },
  { additionalProperties: false },
);
export const SlotParams = Type.Object({ slot: Type.Integer({ minimum: 0, maximum: 31 }) });
export const RemoveKeyBody = Type.Object({ passphrase: Passphrase }, { additionalProperties: false });
export const KeySlotsSchema = Type.Object({ slots: Type.Array(KeySlot), total: Type.Integer() });
export const SlotAnswer = Type.Object({ slot: Type.Integer() });
export const PasswordBody = Type.Object(
  { password: Type.String({ maxLength: PASSWORD_MAX_LENGTH }) },
  { additionalProperties: false },
);
