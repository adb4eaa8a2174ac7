// How the vault's state reads in the UI, and the vault's pushes and error specifics read defensively: the
// socket's `event` data and an error's `details` are unknown JSON until checked here.
import type { KnownErrorCode } from '../api/error-message';
import type { VaultDetails, VaultState } from '../api/types';
import type { BadgeTone } from './camera-status';

/** Where a vault form asks for the admin's own account password, WRONG_PASSWORD is about that one. */
export const ACCOUNT_PASSWORD_WORDING: Partial<Record<KnownErrorCode, string>> = {
  WRONG_PASSWORD: 'Your account password is not correct.',
};

export interface VaultStateView {
  /** A word or two for badges and the nav: "Locked". */
  label: string;
  tone: BadgeTone;
  /** A full sentence for people who cannot change the state (viewers and editors). */
  sentence: string;
}

/** Turns the server's reason fragment ("this kernel has no device-mapper") into a sentence. */
export function reasonSentence(reason: string | null): string | null {
  const text = reason?.trim() ?? '';
  if (text === '') return null;
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/** The state in plain words. */
export function vaultStateView(state: VaultState): VaultStateView {
  switch (state) {
    case 'unlocked':
      return {
        label: 'Unlocked',
        tone: 'success',
        sentence: 'The vault is open: files and recordings can be used.',
      };
    case 'locked':
      return {
        label: 'Locked',
        tone: 'warning',
        sentence:
          'The vault is locked. Files and recordings are out of reach until an admin unlocks it with its passphrase.',
      };
    case 'absent':
      return {
        label: 'Not set up',
        tone: 'neutral',
        sentence:
          'There is no vault yet. An admin has to create one before files and recordings can be kept.',
      };
    case 'unavailable':
      return {
        label: 'Unavailable',
        tone: 'danger',
        sentence: 'The vault cannot be used on this server right now.',
      };
  }
}

/** One step of a long vault operation, as announced on the socket (topic `vault.progress`). */
export interface VaultProgress {
  operation: string;
  /** 1-based; announced as the step starts. */
  step: number;
  steps: number;
  label: string;
}

/** A vault push from /api/ws, checked. */
export type VaultEvent = { kind: 'state'; state: VaultState } | { kind: 'progress'; progress: VaultProgress };

const STATES: readonly VaultState[] = ['absent', 'locked', 'unlocked', 'unavailable'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

/** Reads an `event` message's topic and data as a vault push; null for other topics or malformed data. */
export function parseVaultEvent(topic: string, data: unknown): VaultEvent | null {
  if (!isRecord(data)) return null;
  if (topic === 'vault') {
    const state = data['state'];
    return typeof state === 'string' && (STATES as readonly string[]).includes(state)
      ? { kind: 'state', state: state as VaultState }
      : null;
  }
  if (topic === 'vault.progress') {
    const { operation, step, steps, label } = data;
    if (typeof operation !== 'string' || typeof label !== 'string') return null;
    if (!isCount(step) || !isCount(steps) || steps === 0) return null;
    return { kind: 'progress', progress: { operation, step: Math.min(step, steps), steps, label } };
  }
  return null;
}

/** How far a long operation is, 0 to 1: the steps before the current one are done. */
export function progressFraction(progress: Pick<VaultProgress, 'step' | 'steps'>): number {
  if (progress.steps <= 0) return 0;
  return Math.min(1, Math.max(0, (progress.step - 1) / progress.steps));
}

/** A process that keeps the volume busy, as VAULT_BUSY reports it. */
export interface VaultHolder {
  pid: number;
  name: string;
  /** Files or folders on the volume it has open. */
  paths: string[];
}

/**
 * The processes named by a VAULT_BUSY error's `details.holders`, or null when the error names none (another
 * vault operation was running: trying again is the answer there, not forcing).
 */
export function busyHolders(details: Readonly<Record<string, unknown>> | undefined): VaultHolder[] | null {
  const holders = details?.['holders'];
  if (!Array.isArray(holders) || holders.length === 0) return null;
  return holders.filter(isRecord).map((holder) => ({
    pid: typeof holder['pid'] === 'number' ? holder['pid'] : 0,
    name: typeof holder['name'] === 'string' && holder['name'] !== '' ? holder['name'] : 'unknown program',
    paths: Array.isArray(holder['paths'])
      ? holder['paths'].filter((entry): entry is string => typeof entry === 'string')
      : [],
  }));
}

export interface VaultUsage {
  sizeBytes: number;
  usedBytes: number;
  freeBytes: number;
  /** Used share of the size, 0 to 100, rounded. */
  percent: number;
}

/** Space on the volume, or null when the server could not measure it (e.g. not mounted). */
export function vaultUsage(
  details: Pick<VaultDetails, 'sizeBytes' | 'usedBytes' | 'freeBytes'>,
): VaultUsage | null {
  const { sizeBytes, usedBytes, freeBytes } = details;
  if (sizeBytes === null || usedBytes === null || sizeBytes <= 0) return null;
  const percent = Math.round(Math.min(100, Math.max(0, (usedBytes / sizeBytes) * 100)));
  return { sizeBytes, usedBytes, freeBytes: freeBytes ?? Math.max(0, sizeBytes - usedBytes), percent };
}

/** The text file an admin may download with the recovery key: the key and what it is for. */
export function recoveryKeyFileText(recoveryKey: string, createdAt: Date, server: string): string {
  return [
    'Vigil vault recovery key',
    '',
    recoveryKey,
    '',
    `Server: ${server}`,
    `Created: ${createdAt.toISOString()}`,
    '',
    'This key opens the vault when every passphrase is lost. Anyone who has it can open the vault:',
    'keep it offline (printed, or on a USB stick in a drawer), never next to the server.',
    '',
  ].join('\n');
}
