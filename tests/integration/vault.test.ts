import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';

const DEV_PASSPHRASE = 'dev vault passphrase';
let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

async function start(env: Record<string, string> = {}) {
  t = await startTestApp(env);
  const admin = await t.userWithSession('admin');
  const viewer = await t.userWithSession('viewer');
  const editor = await t.userWithSession('editor');
  const call = (cookie: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    t!.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
  return { app: t, admin, viewer, editor, call, vaultDir: path.join(t.dataDir, 'dev-vault') };
}

describe('vault on the development backend (VIGIL_VAULT=dir:)', () => {
  it('refuses to start without VIGIL_ALLOW_INSECURE_VAULT=1', async () => {
    await expect(startTestApp({ VIGIL_ALLOW_INSECURE_VAULT: '' })).rejects.toThrow(
      /VIGIL_ALLOW_INSECURE_VAULT=1/,
    );
  });

  it('starts unlocked with its layout and vault.db; details only for admins', async () => {
    const { admin, viewer, call, vaultDir } = await start();
    expect(readdirSync(vaultDir).sort()).toEqual(
      expect.arrayContaining(['files', 'recordings', 'snapshots', 'vault.db']),
    );
    const forViewer = (await call(viewer.cookie, 'GET', '/api/vault')).json();
    expect(forViewer).toMatchObject({ state: 'unlocked', backend: 'dir', insecure: true, details: null });
    const forAdmin = (await call(admin.cookie, 'GET', '/api/vault')).json();
    expect(forAdmin.details).toMatchObject({ mountPoint: vaultDir, mounted: true, luks: null });
    expect(forAdmin.details.freeBytes).toBeGreaterThan(0);
  });

  it('locks and unlocks through the API; writers are refused while locked; only admins may', async () => {
    const { app, admin, editor, call, vaultDir } = await start();
    const guard = app.app.vigil.services.vault.guard;
    await expect(guard.assertWritable(path.join(vaultDir, 'files/a.txt'))).resolves.toBeDefined();
    expect((await call(editor.cookie, 'POST', '/api/vault/lock', {})).statusCode).toBe(403);

    const locked = await call(admin.cookie, 'POST', '/api/vault/lock', {});
    expect(locked.statusCode).toBe(200);
    expect(locked.json().state).toBe('locked');
    await expect(guard.assertWritable(path.join(vaultDir, 'files/a.txt'))).rejects.toMatchObject({
      code: 'VAULT_LOCKED',
      statusCode: 423,
    });
    expect(app.app.vigil.services.vault.database()).toBeNull();
    expect((await call(admin.cookie, 'POST', '/api/vault/lock', {})).json().code).toBe('VAULT_LOCKED');

    expect((await call(editor.cookie, 'POST', '/api/vault/unlock', { passphrase: 'x' })).statusCode).toBe(
      403,
    );
    const unlocked = await call(admin.cookie, 'POST', '/api/vault/unlock', { passphrase: 'anything' });
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json().state).toBe('unlocked');
    await expect(guard.assertWritable(path.join(vaultDir, 'files/a.txt'))).resolves.toBeDefined();
    expect((await call(admin.cookie, 'POST', '/api/vault/unlock', { passphrase: 'x' })).json().code).toBe(
      'VAULT_UNLOCKED',
    );
  });

  it('refuses targets outside the vault', async () => {
    const { app } = await start();
    await expect(
      app.app.vigil.services.vault.guard.assertWritable(path.join(app.dataDir, 'vigil.db')),
    ).rejects.toMatchObject({ code: 'OUTSIDE_VAULT' });
  });

  it('checks VIGIL_DEV_VAULT_PASSPHRASE; wrong ones are audited and throttled per user and address', async () => {
    const { app, admin, call } = await start({ VIGIL_DEV_VAULT_PASSPHRASE: DEV_PASSPHRASE });
    await call(admin.cookie, 'POST', '/api/vault/lock', {});
    const wrong = await call(admin.cookie, 'POST', '/api/vault/unlock', { passphrase: 'not it' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toEqual({ code: 'WRONG_PASSPHRASE', message: expect.any(String) });
    for (let i = 0; i < 4; i++)
      await call(admin.cookie, 'POST', '/api/vault/unlock', { passphrase: 'not it' });
    const started = Date.now();
    const throttled = await call(admin.cookie, 'POST', '/api/vault/unlock', { passphrase: DEV_PASSPHRASE });
    expect(throttled.statusCode).toBe(429);
    expect(Date.now() - started).toBeLessThan(500); // answered at once, not slowed down
    expect(throttled.headers['retry-after']).toBeDefined();
    const actions = (await app.app.vigil.services.audit.list(50)).map((row) => row.action);
    expect(actions.filter((a) => a === 'vault.unlock_failed')).toHaveLength(5);
    expect(actions).toContain('vault.unlock_lockout');
    // A different admin is not locked out by the first one's failures.
    const other = await app.userWithSession('admin');
    const ok = await call(other.cookie, 'POST', '/api/vault/unlock', { passphrase: DEV_PASSPHRASE });
    expect(ok.json().state).toBe('unlocked');
  });

  it('has no LUKS operations, and still asks for the password first where the real one would', async () => {
    const { admin, call } = await start();
    const create = (password: string) =>
      call(admin.cookie, 'POST', '/api/vault/create', {
        passphrase: 'a long vault passphrase',
        confirmDevice: 'x',
        password,
      });
    expect((await create('wrong password')).json().code).toBe('WRONG_PASSWORD');
    expect((await create(PASSWORD)).statusCode).toBe(400); // no device to confirm
    const add = await call(admin.cookie, 'POST', '/api/vault/keyslots', {
      passphrase: 'x',
      newPassphrase: 'another long passphrase',
    });
    expect(add.json().code).toBe('NOT_SUPPORTED');
    const backup = await call(admin.cookie, 'POST', '/api/vault/header-backup', { password: PASSWORD });
    expect(backup.json().code).toBe('NOT_SUPPORTED');
    const weak = await call(admin.cookie, 'POST', '/api/vault/keyslots', {
      passphrase: 'x',
      newPassphrase: 'short',
    });
    expect(weak.statusCode).toBe(400);
  });

  it('turns writes into VAULT_LOCKED when the volume is unmounted behind its back', async () => {
    // The dev vault on a tmpfs of its own (needs root, as CI has); unmounting it leaves the bare directory.
    const vaultDir = mkdtempSync(path.join(tmpdir(), 'vigil-vault-mount-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', vaultDir]);
    try {
      const { app, admin, call } = await start({ VIGIL_VAULT: `dir:${vaultDir}` });
      const guard = app.app.vigil.services.vault.guard;
      await expect(guard.assertWritable(path.join(vaultDir, 'files/x'))).resolves.toBeDefined();
      // Lazily, as a pulled USB disk: vault.db is still open on it.
      execFileSync('umount', ['-l', vaultDir]);
      await expect(guard.assertWritable(path.join(vaultDir, 'files/x'))).rejects.toMatchObject({
        code: 'VAULT_LOCKED',
      });
      expect(existsSync(path.join(vaultDir, 'files'))).toBe(false);
      expect((await call(admin.cookie, 'GET', '/api/vault')).json().state).toBe('locked');
    } finally {
      try {
        execFileSync('umount', [vaultDir], { stdio: 'ignore' });
      } catch {
        // already unmounted by the test
      }
      rmSync(vaultDir, { recursive: true, force: true });
    }
  });
});

describe('vault on the LUKS backend on a machine that cannot open one', () => {
  it('is unavailable, says why, and the rest of Vigil keeps working', async () => {
    const { admin, call } = await start({
      VIGIL_VAULT: 'luks',
      VIGIL_VAULT_DEVICE: '/dev/vigil-test-absent',
    });
    const status = (await call(admin.cookie, 'GET', '/api/vault')).json();
    expect(status.backend).toBe('luks');
    // Judged by the kernel (device-mapper in /proc/misc), not by a /dev node.
    const hasDm = readFileSync('/proc/misc', 'utf8').includes('device-mapper');
    if (hasDm) expect(status.state).toMatch(/unavailable|absent/);
    else
      expect(status).toMatchObject({ state: 'unavailable', reason: expect.stringMatching(/device-mapper/) });
    const unlock = await call(admin.cookie, 'POST', '/api/vault/unlock', { passphrase: 'anything at all' });
    expect(unlock.statusCode).toBe(hasDm ? 409 : 503);
    // The reason's own code, not the generic one (asserted on this kernel, which has no device-mapper).
    if (!hasDm) expect(unlock.json()).toMatchObject({ code: 'DM_UNAVAILABLE', message: expect.any(String) });
    expect((await call(admin.cookie, 'GET', '/api/users')).statusCode).toBe(200);
  });

  it('is unavailable when the helper is not installed', async () => {
    const { admin, call } = await start({
      VIGIL_VAULT: 'luks',
      VIGIL_VAULTCTL: '/nonexistent/vigil-vaultctl',
    });
    const status = (await call(admin.cookie, 'GET', '/api/vault')).json();
    expect(status).toMatchObject({ state: 'unavailable', reason: expect.stringMatching(/not installed/) });
    const unlock = await call(admin.cookie, 'POST', '/api/vault/unlock', { passphrase: 'anything at all' });
    expect(unlock.statusCode).toBe(503);
    expect(unlock.json().code).toBe(status.reasonCode);
    expect(unlock.json().code).not.toBe('DM_UNAVAILABLE');
  });
});
