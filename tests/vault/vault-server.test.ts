// The real vault, end to end, on a dm-crypt kernel: the built server runs in the QEMU guest as the unprivileged
// `vigil` account and reaches the installed helper only through its one sudo rule; the test drives the HTTP API
// from the host through QEMU's port forward. One boot, one story, one named step per test:
// create → write a file → lock (busy, then clean; mapper gone, no plaintext on the raw disk) → unlock → file
// intact → wrong passphrase → key slots → recovery key → header backup → safe lock during an upload → unmounted
// behind Vigil's back. A root watcher in the guest checks that no secret ever shows in any argv or environment.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGuest, type Guest } from './guest.js';
import {
  countOnDisk,
  DATA_DIR,
  SERVER_LOG,
  startSecretScanner,
  startVigilInGuest,
  type VigilInGuest,
} from './vigil-in-guest.js';

const DEVICE = '/dev/vda';
const MOUNT = '/mnt/vigil-vault';
const ADMIN = { username: 'owner', password: 'owner password 2026' };
const PASSPHRASE = 'first vault passphrase';
const SECOND = 'second vault passphrase';
const THIRD = 'third vault passphrase';
const MARKER = `VIGIL-PLAINTEXT-${randomBytes(8).toString('hex')}`;

let guest: Guest | undefined;
let vigil: VigilInGuest;
let scanner: Awaited<ReturnType<typeof startSecretScanner>>;
let recoveryKey = '';

const state = async () => (await vigil.api('GET', '/api/vault')).json['state'];
const lock = (force = false) => vigil.api('POST', '/api/vault/lock', force ? { force } : {});
const unlock = (passphrase: string) => vigil.api('POST', '/api/vault/unlock', { passphrase });

beforeAll(async () => {
  guest = await startGuest({ disks: [{ sizeMiB: 96 }], forwardPorts: [8080] });
  vigil = await startVigilInGuest(guest, { device: DEVICE, mount: MOUNT }, ADMIN);
  scanner = await startSecretScanner(guest, vigil);
  for (const secret of [PASSPHRASE, SECOND, THIRD]) await scanner.add(secret);
}, 240_000);

afterAll(async () => {
  await guest?.stop();
});

describe('the LUKS2 vault in a dm-crypt guest, through the unprivileged server and the sudo rule', () => {
  it('runs the server as vigil, not root', async () => {
    const owners = await vigil.run({
      argv: ['sh', '-c', 'ps -eo user=,args= | grep "dist/server/main.js" | grep -v grep'],
    });
    expect(owners.trim().split(/\s+/)[0]).toBe('vigil');
  });

  it('reports a blank device as absent', async () => {
    const { json } = await vigil.api('GET', '/api/vault');
    expect(json).toMatchObject({
      state: 'absent',
      reasonCode: 'DEVICE_EMPTY',
      backend: 'luks',
      insecure: false,
    });
  });

  it('creates: typed-back device, LUKS2 aes-xts 512-bit argon2id, ext4 nodev,nosuid,noexec, layout, recovery key', async () => {
    const body = { passphrase: PASSPHRASE, confirmDevice: '/dev/vdb', password: ADMIN.password };
    expect((await vigil.api('POST', '/api/vault/create', body)).json['code']).toBe('CONFIRMATION_MISMATCH');
    const created = await vigil.api('POST', '/api/vault/create', { ...body, confirmDevice: DEVICE });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    recoveryKey = String(created.json['recoveryKey']);
    await scanner.add(recoveryKey);
    expect(recoveryKey).toMatch(/^([0-9A-Z]{5}-){7}[0-9A-Z]{5}$/);
    const vault = created.json['vault'] as { state: string; details: Record<string, unknown> };
    expect(vault).toMatchObject({
      state: 'unlocked',
      details: {
        mounted: true,
        filesystem: 'ext4',
        luks: { version: 2, cipher: 'aes-xts-plain64', keySizeBits: 512, pbkdf: 'argon2id' },
      },
    });
    expect((vault.details['luks'] as { slots: unknown[] }).slots).toHaveLength(2);
    expect(await vigil.run({ argv: ['grep', ` ${MOUNT} `, '/proc/mounts'] })).toMatch(
      /ext4 \S*nosuid,nodev,noexec/,
    );
    const layout = await vigil.run({
      argv: [
        'stat',
        '-c',
        '%n %U',
        ...['files', 'recordings', 'snapshots', 'vault.db'].map((f) => `${MOUNT}/${f}`),
      ],
    });
    expect(
      layout
        .trim()
        .split('\n')
        .every((line) => line.endsWith(' vigil')),
    ).toBe(true);
    const again = await vigil.api('POST', '/api/vault/create', { ...body, confirmDevice: DEVICE });
    expect(again.json['code']).toBe('VAULT_UNLOCKED');
  });

  it('writes a file through the API (only ever onto the mapper)', async () => {
    const response = await vigil.upload('/', 'marker.txt', Buffer.from(`${MARKER}\n`.repeat(64)));
    expect(response.status, await response.clone().text()).toBe(201);
    // The search works: the plaintext is there through the mount.
    expect(await countOnDisk(vigil, `${MOUNT}/files/marker.txt`, MARKER)).toBe(64);
  });

  it('safe lock: VAULT_BUSY with the holders, then a clean lock; mapper gone, no plaintext on the raw disk', async () => {
    const holder = await vm().spawn({
      user: 'vigil',
      logFile: '/run/vigil-test/holder.log',
      argv: ['sh', '-c', `cd ${MOUNT}/files && exec sleep 300`],
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const busy = await lock();
    expect(busy.status).toBe(409);
    expect(busy.json['code']).toBe('VAULT_BUSY');
    expect(JSON.stringify(busy.json['details'])).toContain('sleep');
    expect(await state()).toBe('unlocked');
    await vm().kill(holder.pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const locked = await lock();
    expect(locked.status, JSON.stringify(locked.json)).toBe(200);
    expect(locked.json['state']).toBe('locked');
    expect(await vigil.run({ argv: ['ls', '/dev/mapper'] })).not.toContain('vigil-vault');
    expect((await vigil.run({ argv: ['stat', '-c', '%U %a', MOUNT] })).trim()).toBe('root 700');
    expect((await vm().exec({ user: 'vigil', argv: ['touch', `${MOUNT}/x`] })).code).not.toBe(0);
    expect(await countOnDisk(vigil, DEVICE, MARKER)).toBe(0);
    expect((await vigil.api('GET', '/api/files?path=/')).json['code']).toBe('VAULT_LOCKED');
  });

  it('unlocks: the file is intact; a wrong passphrase is 403 WRONG_PASSPHRASE', async () => {
    const wrong = await unlock('not the passphrase');
    expect(wrong.status).toBe(403);
    expect(wrong.json['code']).toBe('WRONG_PASSPHRASE');
    expect((await unlock(PASSPHRASE)).json['state']).toBe('unlocked');
    const download = await vigil.api('GET', '/api/files/download?path=/marker.txt');
    expect(download.bytes.toString()).toBe(`${MARKER}\n`.repeat(64));
  });

  it('adds, changes and removes key slots, never the last one', async () => {
    const added = await vigil.api('POST', '/api/vault/keyslots', {
      passphrase: PASSPHRASE,
      newPassphrase: SECOND,
    });
    expect(added.status, JSON.stringify(added.json)).toBe(201);
    expect((await vigil.api('GET', '/api/vault/keyslots')).json['slots']).toHaveLength(3);
    const changed = await vigil.api('POST', '/api/vault/passphrase', {
      passphrase: SECOND,
      newPassphrase: THIRD,
    });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    const removed = await vigil.api('DELETE', `/api/vault/keyslots/${Number(changed.json['slot'])}`, {
      passphrase: PASSPHRASE,
    });
    expect(removed.status, JSON.stringify(removed.json)).toBe(204);
    expect((await vigil.api('GET', '/api/vault/keyslots')).json['slots']).toHaveLength(2);
  });

  it('unlocks with the recovery key, then the passphrase can go and the last slot cannot', async () => {
    expect((await lock()).json['state']).toBe('locked');
    expect((await unlock(recoveryKey)).json['state']).toBe('unlocked');
    const slots = (await vigil.api('GET', '/api/vault/keyslots')).json['slots'] as { slot: number }[];
    const other = slots.find((s) => s.slot !== 0)?.slot ?? 1;
    expect(
      (await vigil.api('DELETE', `/api/vault/keyslots/${other}`, { passphrase: PASSPHRASE })).status,
    ).toBe(204);
    expect(
      (await vigil.api('DELETE', '/api/vault/keyslots/0', { passphrase: PASSPHRASE })).json['code'],
    ).toBe('LAST_KEY_SLOT');
  });

  it("streams a header backup after the admin's password, identical to cryptsetup luksHeaderBackup", async () => {
    expect((await vigil.api('POST', '/api/vault/header-backup', { password: 'wrong' })).json['code']).toBe(
      'WRONG_PASSWORD',
    );
    const backup = await vigil.api('POST', '/api/vault/header-backup', { password: ADMIN.password });
    expect(backup.status).toBe(200);
    expect(backup.bytes.subarray(0, 6)).toEqual(Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]));
    await vigil.run({
      argv: ['cryptsetup', 'luksHeaderBackup', DEVICE, '--header-backup-file', '/root/header.img'],
    });
    const theirs = (await vigil.run({ argv: ['sha256sum', '/root/header.img'] })).split(' ')[0];
    expect(createHash('sha256').update(backup.bytes).digest('hex')).toBe(theirs);
  });

  it('a safe lock during an upload ends with no partial file, before or after unlocking', async () => {
    let sent = 0;
    const slow = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        controller.enqueue(Buffer.alloc(64 * 1024, 0x61));
        if ((sent += 1) >= 200) controller.close();
      },
    });
    const upload = vigil
      .upload('/', 'interrupted.bin', slow, 200 * 64 * 1024)
      .catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const locked = await lock();
    expect(locked.status, JSON.stringify(locked.json)).toBe(200);
    await upload;
    expect(await vigil.run({ argv: ['ls', '-A', MOUNT] })).toBe('');
    expect((await unlock(PASSPHRASE)).json['state']).toBe('unlocked');
    expect(await vigil.run({ argv: ['ls', '-A', `${MOUNT}/files`] })).toBe('marker.txt\n');
  });

  it('locks anyway with force while something holds the volume; the mapper closes once it lets go', async () => {
    const holder = await vm().spawn({
      user: 'vigil',
      logFile: '/run/vigil-test/holder2.log',
      argv: ['sh', '-c', `cd ${MOUNT}/files && exec sleep 300`],
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await lock()).json['code']).toBe('VAULT_BUSY');
    const forced = await lock(true);
    expect(forced.status, JSON.stringify(forced.json)).toBe(200);
    expect(forced.json['state']).toBe('locked');
    expect(await vigil.run({ argv: ['ls', '-A', MOUNT] })).toBe('');
    await vm().kill(holder.pid, 'SIGKILL');
    await expect
      .poll(async () => vigil.run({ argv: ['ls', '/dev/mapper'] }), { timeout: 20_000, interval: 500 })
      .not.toContain('vigil-vault');
    expect((await unlock(PASSPHRASE)).json['state']).toBe('unlocked');
  });

  it('refuses writes once the volume is unmounted behind its back; nothing lands on the root disk', async () => {
    await vigil.run({ argv: ['umount', '-l', MOUNT] });
    const response = await vigil.upload('/', 'after-unplug.txt', Buffer.from('must not land'));
    expect(response.status).toBe(423);
    expect((await vigil.api('POST', '/api/files/mkdir', { path: '/new' })).status).toBe(423);
    expect(await state()).toBe('locked');
    expect(await vigil.run({ argv: ['ls', '-A', MOUNT] })).toBe('');
  });

  it('never shows a passphrase or the recovery key in argv, environment, logs or the database', async () => {
    expect(await scanner.hits()).toEqual([]);
    const secrets = [PASSPHRASE, SECOND, THIRD, recoveryKey];
    const log = await vigil.run({ argv: ['cat', SERVER_LOG] });
    for (const secret of secrets) expect(log).not.toContain(secret);
    const db = await vigil.run({ argv: ['sh', '-c', `cat ${DATA_DIR}/vigil.db* | base64 -w0`] });
    const bytes = Buffer.from(db, 'base64');
    expect(bytes.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(bytes.includes(Buffer.from(secret))).toBe(false);
  });
});

function vm(): Guest {
  if (guest === undefined) throw new Error('the guest did not boot');
  return guest;
}
