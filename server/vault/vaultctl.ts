import { execa } from 'execa';
import { AppError } from '../errors.js';

/**
 * Runs the privileged vault helper (appliance/vaultctl, installed root-owned outside the app tree): directly
 * when this server is root, otherwise through `sudo -n` and the one sudoers rule naming it. Secrets travel on
 * its stdin as one JSON object, never in argv or the environment; it answers one JSON line.
 */
export interface VaultctlOptions {
  /** Absolute path of the installed helper. */
  helper: string;
  /** Run it directly (the server is root) rather than through sudo. */
  asRoot: boolean;
  /** Longest a verb may take; the helper has its own, shorter limits per tool. */
  timeoutMs?: number;
}

export type Secrets = Readonly<Record<string, string>>;

/** A helper answer that is not ok: its stable code, a message safe to show, and any extra fields. */
export class VaultctlError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'VaultctlError';
  }
}

/** Long verbs (format with the default PBKDF, fsck of a big volume) bound by the helper itself. */
const DEFAULT_TIMEOUT_MS = 65 * 60_000;

export interface Vaultctl {
  run(verb: string, args?: readonly string[], secrets?: Secrets): Promise<Record<string, unknown>>;
  /** For header-backup: the raw bytes it writes on success (its JSON error otherwise). */
  capture(verb: string, args?: readonly string[], secrets?: Secrets): Promise<Buffer>;
}

export function createVaultctl(options: VaultctlOptions): Vaultctl {
  // Bytes, not text: header-backup writes binary; JSON answers are decoded by the caller.
  const spawn = (verb: string, args: readonly string[], secrets: Secrets | undefined) => {
    const [file, argv] = options.asRoot
      ? [options.helper, [verb, ...args]]
      : ['sudo', ['-n', options.helper, verb, ...args]];
    return execa(file, argv, {
      input: JSON.stringify(secrets ?? {}),
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      reject: false,
      encoding: 'buffer',
      stripFinalNewline: false,
      // sudo resets the environment anyway; the helper needs none of ours.
      extendEnv: false,
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
    });
  };
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

  const parse = (stdout: string, stderr: string, exitCode: number | undefined): Record<string, unknown> => {
    const line = stdout.trim().split('\n').at(-1) ?? '';
    let answer: unknown;
    try {
      answer = JSON.parse(line);
    } catch {
      // Not the helper speaking: sudo refusing, the helper missing, or it crashed.
      throw helperUnreachable(stderr, exitCode);
    }
    if (typeof answer !== 'object' || answer === null) throw helperUnreachable(stderr, exitCode);
    const fields = answer as Record<string, unknown>;
    if (fields['ok'] === true) return fields;
    const { ok: _ok, code, message, ...details } = fields;
    throw new VaultctlError(
      typeof code === 'string' ? code : 'HELPER_FAILED',
      typeof message === 'string' ? message : 'The vault helper failed.',
      details,
    );
  };

  return {
    async run(verb, args = [], secrets) {
      const result = await spawn(verb, args, secrets);
      if (result.timedOut) throw timedOut(verb);
      return parse(text(result.stdout), text(result.stderr), result.exitCode);
    },
    async capture(verb, args = [], secrets) {
      const result = await spawn(verb, args, secrets);
      if (result.timedOut) throw timedOut(verb);
      const stdout = Buffer.from(result.stdout);
      if (result.exitCode === 0) return stdout;
      parse(text(result.stdout), text(result.stderr), result.exitCode);
      throw new VaultctlError('HELPER_FAILED', `The vault helper failed to ${verb}.`);
    },
  };
}

const timedOut = (verb: string) =>
  new VaultctlError('TIMEOUT', `The vault helper did not finish ${verb} in time.`);

function helperUnreachable(stderr: string, exitCode: number | undefined): VaultctlError {
  // sudo's own refusal ("a password is required", "not allowed") is the usual cause: say what to install.
  const reason = /password is required|not allowed|not in the sudoers/i.test(stderr)
    ? 'sudo does not allow this server to run the vault helper (see appliance/vaultctl/README.md)'
    : /No such file|not found|command not found/i.test(stderr) || exitCode === 127 || exitCode === undefined
      ? 'the vault helper is not installed (run scripts/install-vaultctl as root)'
      : `the vault helper failed (exit ${String(exitCode)})`;
  return new VaultctlError('HELPER_UNAVAILABLE', reason);
}

/** Maps a helper error code to what the API answers. */
export function vaultctlToAppError(error: VaultctlError): AppError {
  const known: Record<string, [number, string]> = {
    WRONG_PASSPHRASE: [403, 'That passphrase does not open the vault.'],
    BUSY: [409, 'The vault is in use.'],
    LAST_KEY_SLOT: [409, 'This is the last key slot; add another passphrase before removing it.'],
    NO_SUCH_SLOT: [404, 'No such key slot.'],
    DEVICE_NOT_EMPTY: [409, error.message],
    MOUNTPOINT_NOT_EMPTY: [409, error.message],
    FSCK_FAILED: [500, 'The vault file system has errors that need a manual check (e2fsck).'],
    BAD_PASSPHRASE: [400, 'Passphrases are 1 to 512 bytes without control characters.'],
    LOCKED: [423, 'The vault is locked.'],
    NOT_CONFIGURED: [503, 'The vault helper has no configuration (/etc/vigil/vaultctl.conf).'],
    HELPER_UNAVAILABLE: [503, `The vault is unavailable: ${error.message}.`],
    TIMEOUT: [504, error.message],
  };
  const [status, message] = known[error.code] ?? [500, `The vault helper failed: ${error.message}`];
  const code = error.code === 'BUSY' ? 'VAULT_BUSY' : error.code === 'LOCKED' ? 'VAULT_LOCKED' : error.code;
  return new AppError(code, status, message, { cause: error });
}
