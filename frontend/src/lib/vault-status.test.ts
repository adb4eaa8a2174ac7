import { describe, expect, it } from 'vitest';
import {
  busyHolders,
  parseVaultEvent,
  progressFraction,
  reasonSentence,
  recoveryKeyFileText,
  vaultStateView,
  vaultUsage,
} from './vault-status';

describe('vaultStateView', () => {
  it('words every state for people who cannot change it', () => {
    expect(vaultStateView('unlocked')).toMatchObject({ label: 'Unlocked', tone: 'success' });
    expect(vaultStateView('locked')).toMatchObject({ label: 'Locked', tone: 'warning' });
    expect(vaultStateView('locked').sentence).toMatch(/until an admin unlocks it/);
    expect(vaultStateView('absent')).toMatchObject({ label: 'Not set up', tone: 'neutral' });
    expect(vaultStateView('unavailable')).toMatchObject({ label: 'Unavailable', tone: 'danger' });
  });
});

describe('reasonSentence', () => {
  it("turns the server's fragment into a sentence", () => {
    expect(
      reasonSentence('this kernel has no device-mapper (dm-crypt), so LUKS volumes cannot be opened'),
    ).toBe('This kernel has no device-mapper (dm-crypt), so LUKS volumes cannot be opened.');
    expect(reasonSentence('/dev/sdb holds ext4, not LUKS')).toBe('/dev/sdb holds ext4, not LUKS.');
    expect(reasonSentence('Already a sentence.')).toBe('Already a sentence.');
    expect(reasonSentence(null)).toBeNull();
    expect(reasonSentence('  ')).toBeNull();
  });
});

describe('parseVaultEvent', () => {
  it('reads state pushes', () => {
    expect(parseVaultEvent('vault', { state: 'locked' })).toEqual({ kind: 'state', state: 'locked' });
    expect(parseVaultEvent('vault', { state: 'melted' })).toBeNull();
    expect(parseVaultEvent('vault', null)).toBeNull();
  });

  it('reads progress pushes and clamps the step', () => {
    const data = { operation: 'create', step: 2, steps: 4, label: 'Opening the volume' };
    expect(parseVaultEvent('vault.progress', data)).toEqual({ kind: 'progress', progress: data });
    expect(parseVaultEvent('vault.progress', { ...data, step: 9 })).toMatchObject({ progress: { step: 4 } });
    expect(parseVaultEvent('vault.progress', { ...data, steps: 0 })).toBeNull();
    expect(parseVaultEvent('vault.progress', { ...data, step: '2' })).toBeNull();
    expect(parseVaultEvent('vault.progress', { ...data, label: undefined })).toBeNull();
  });

  it('ignores other topics', () => {
    expect(parseVaultEvent('cameras', { state: 'locked' })).toBeNull();
  });
});

describe('progressFraction', () => {
  it('counts the steps before the current one as done', () => {
    expect(progressFraction({ step: 1, steps: 4 })).toBe(0);
    expect(progressFraction({ step: 3, steps: 4 })).toBe(0.5);
    expect(progressFraction({ step: 4, steps: 4 })).toBe(0.75);
    expect(progressFraction({ step: 1, steps: 0 })).toBe(0);
  });
});

describe('busyHolders', () => {
  it('reads the processes a VAULT_BUSY names', () => {
    expect(
      busyHolders({ holders: [{ pid: 812, name: 'smbd', paths: ['/mnt/vigil-vault/files/a.txt', 7] }] }),
    ).toEqual([{ pid: 812, name: 'smbd', paths: ['/mnt/vigil-vault/files/a.txt'] }]);
  });

  it('fills in what is missing and skips what is not an object', () => {
    expect(busyHolders({ holders: [{ pid: 5 }, 'bash', null] })).toEqual([
      { pid: 5, name: 'unknown program', paths: [] },
    ]);
  });

  it('is null when nothing is named: another operation was running, forcing would not help', () => {
    expect(busyHolders(undefined)).toBeNull();
    expect(busyHolders({})).toBeNull();
    expect(busyHolders({ holders: [] })).toBeNull();
    expect(busyHolders({ holders: 'smbd' })).toBeNull();
  });
});

describe('vaultUsage', () => {
  it('computes the used share', () => {
    expect(vaultUsage({ sizeBytes: 1000, usedBytes: 250, freeBytes: 700 })).toEqual({
      sizeBytes: 1000,
      usedBytes: 250,
      freeBytes: 700,
      percent: 25,
    });
  });

  it('derives free space when it is missing and clamps odd numbers', () => {
    expect(vaultUsage({ sizeBytes: 1000, usedBytes: 1200, freeBytes: null })).toMatchObject({
      freeBytes: 0,
      percent: 100,
    });
  });

  it('is null when the volume could not be measured', () => {
    expect(vaultUsage({ sizeBytes: null, usedBytes: null, freeBytes: null })).toBeNull();
    expect(vaultUsage({ sizeBytes: 0, usedBytes: 0, freeBytes: 0 })).toBeNull();
  });
});

describe('recoveryKeyFileText', () => {
  it('holds the key, where it is from and what to do with it', () => {
    const text = recoveryKeyFileText('7K2QM-ABCDE', new Date('2026-01-02T03:04:05Z'), 'vigil.local:8080');
    expect(text).toContain('\n7K2QM-ABCDE\n');
    expect(text).toContain('Server: vigil.local:8080');
    expect(text).toContain('Created: 2026-01-02T03:04:05.000Z');
    expect(text).toMatch(/offline/);
  });
});
