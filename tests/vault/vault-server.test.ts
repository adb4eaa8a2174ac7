// The real vault, end to end, on a dm-crypt kernel: the built server runs in the QEMU guest as the unprivileged
// `vigil` account and reaches the installed helper only through its one sudo rule; the test drives the HTTP API
// from the host through QEMU's port forward. One boot, one story: create → lock (busy, then clean) → unlock
// (wrong, right, recovery key) → key slots → header backup → unmounted behind Vigil's back.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../server/config.js';
import { startGuest, type ExecRequest, type Guest } from './guest.js';

const PORT = 8080;
const DEVICE = '/dev/vda';
const MOUNT = '/mnt/vigil-vault';
const ADMIN = { username: 'owner', password: 'owner password 2026' };
const PASSPHRASE = 'first vault passphrase';
const SERVER_LOG = '/tmp/vigil-server.log';

let guest: Guest | undefined;
let base = '';
let cookie = '';
let recoveryKey = '';

/** The file's guest; a failed boot already failed beforeAll. */
function vm(): Guest {
  if (guest === undefined) throw new Error('the guest did not boot');
  return guest;
}

async function run(request: ExecRequest) {
  const result = await vm().exec(request);
  if (result.code !== 0) throw new Error(`${request.argv.join(' ')} → ${result.code}: ${result.stderr}`);
  return result.stdout;
}

async function api(method: string, url: string, body?: unknown) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const json = (response.headers.get('content-type') ?? '').includes('json')
    ? (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>)
    : {};
  return { status: response.status, json, bytes };
}

beforeAll(async () => {
  guest = await startGuest({ disks: [{ sizeMiB: 96 }], forwardPorts: [PORT] });
  // Root's side, as the appliance image sets it up: the helper's own config, a root-only bare mount point.
  await run({ argv: ['mkdir', '-p', '/etc/vigil'] });
  await run({
    argv: [
      'sh',
      '-c',
      `printf 'device=${DEVICE}\\nmapper=vigil-vault\\nmount=${MOUNT}\\nowner=vigil\\n' > /etc/vigil/vaultctl.conf`,
    ],
  });
  await run({ argv: ['install', '-d', '-o', 'vigil', '-g', 'vigil', '-m', '0700', '/tmp/vigil-data'] });
  const root = appRoot();
  await vm().spawn({
    user: 'vigil',
    logFile: SERVER_LOG,
    argv: [path.join(root, '.runtime/node/bin/node'), path.join(root, 'dist/server/main.js')],
    env: {
      PORT: String(PORT),
      HOST: '0.0.0.0',
      VIGIL_DATA_DIR: '/tmp/vigil-data',
      VIGIL_MEDIA: 'off',
      VIGIL_ARGON2_MEMORY_KIB: '19456',
      VIGIL_ARGON2_ITERATIONS: '2',
      VIGIL_VAULT_DEVICE: DEVICE,
      VIGIL_VAULT_MOUNT: MOUNT,
      VIGIL_VAULT_PBKDF_MEMORY_KIB: '32',
      VIGIL_VAULT_PBKDF_ITERATIONS: '4',
    },
  });
  base = vm().url(PORT);
  let token: string | undefined;
  for (let i = 0; i < 120 && token === undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    token = /\/setup\?token=([A-Za-z0-9_-]+)/.exec(await run({ argv: ['cat', SERVER_LOG] }))?.[1];
  }
  if (token === undefined)
    throw new Error(`the server did not start:\n${await run({ argv: ['cat', SERVER_LOG] })}`);
  const setup = await fetch(`${base}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...ADMIN, token }),
  });
  expect(setup.status).toBe(201);
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}, 240_000);

afterAll(async () => {
  await guest?.stop();
});

describe('the LUKS2 vault through the unprivileged server and the sudo rule', () => {
  it('runs the server as vigil, not root', async () => {
    const owners = await run({
      argv: ['sh', '-c', 'ps -eo user=,args= | grep "dist/server/main.js" | grep -v grep'],
    });
    expect(owners.trim().split(/\s+/)[0]).toBe('vigil');
  });

  it('reports a blank device as absent', async () => {
    const { json } = await api('GET', '/api/vault');
    expect(json).toMatchObject({ state: 'absent', backend: 'luks', insecure: false });
    expect(String(json['reason'])).toMatch(/empty/);
  });

  it('creates the vault: typed-back device, LUKS2 aes-xts 512-bit argon2id, ext4 mounted nodev,nosuid,noexec', async () => {
    const wrong = await api('POST', '/api/vault/create', {
      passphrase: PASSPHRASE,
      confirmDevice: '/dev/vdb',
      password: ADMIN.password,
    });
    expect(wrong.json['code']).toBe('CONFIRMATION_MISMATCH');
    const created = await api('POST', '/api/vault/create', {
      passphrase: PASSPHRASE,
      confirmDevice: DEVICE,
      password: ADMIN.password,
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    recoveryKey = String(created.json['recoveryKey']);
    expect(recoveryKey).toMatch(/^([0-9A-Z]{5}-){7}[0-9A-Z]{5}$/);
    const vault = created.json['vault'] as { state: string; details: Record<string, unknown> };
    expect(vault.state).toBe('unlocked');
    expect(vault.details).toMatchObject({
      mounted: true,
      filesystem: 'ext4',
      luks: { version: 2, cipher: 'aes-xts-plain64', keySizeBits: 512, pbkdf: 'argon2id' },
    });
    expect((vault.details['luks'] as { slots: unknown[] }).slots).toHaveLength(2);
    const mounts = await run({ argv: ['grep', ` ${MOUNT} `, '/proc/mounts'] });
    expect(mounts).toMatch(/ext4 \S*nosuid,nodev,noexec/);
    const layout = await run({
      argv: [
        'stat',
        '-c',
        '%n %U %a',
        ...['files', 'recordings', 'snapshots', 'vault.db'].map((f) => `${MOUNT}/${f}`),
      ],
    });
    for (const line of layout.trim().split('\n')) expect(line).toMatch(/ vigil /);
    // Made again over a vault it would destroy: refused without wipe.
    const again = await api('POST', '/api/vault/create', {
      passphrase: PASSPHRASE,
      confirmDevice: DEVICE,
      password: ADMIN.password,
    });
    expect(again.json['code']).toBe('VAULT_UNLOCKED');
  });

  it('safe lock: answers VAULT_BUSY with the holders, then locks once they are gone; the bare mount point stays root-only', async () => {
    const holder = await vm().spawn({
      user: 'vigil',
      logFile: '/tmp/holder.log',
      argv: ['sh', '-c', `cd ${MOUNT}/files && exec sleep 300`],
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const busy = await api('POST', '/api/vault/lock', {});
    expect(busy.status).toBe(409);
    expect(busy.json['code']).toBe('VAULT_BUSY');
    expect(JSON.stringify(busy.json['details'])).toContain('sleep');
    expect((await api('GET', '/api/vault')).json['state']).toBe('unlocked');
    await vm().kill(holder.pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const locked = await api('POST', '/api/vault/lock', {});
    expect(locked.status, JSON.stringify(locked.json)).toBe(200);
    expect(locked.json['state']).toBe('locked');
    expect(await run({ argv: ['ls', '/dev/mapper'] })).not.toContain('vigil-vault');
    expect((await run({ argv: ['stat', '-c', '%U %a', MOUNT] })).trim()).toBe('root 700');
    expect((await vm().exec({ user: 'vigil', argv: ['touch', `${MOUNT}/x`] })).code).not.toBe(0);
  });

  it('unlock: a wrong passphrase is 403 WRONG_PASSPHRASE; the passphrase and the recovery key both open it', async () => {
    const wrong = await api('POST', '/api/vault/unlock', { passphrase: 'not the passphrase' });
    expect(wrong.status).toBe(403);
    expect(wrong.json['code']).toBe('WRONG_PASSPHRASE');
    expect((await api('POST', '/api/vault/unlock', { passphrase: PASSPHRASE })).json['state']).toBe(
      'unlocked',
    );
    await run({ user: 'vigil', argv: ['sh', '-c', `echo kept > ${MOUNT}/files/note.txt`] });
    expect((await api('POST', '/api/vault/lock', {})).json['state']).toBe('locked');
    expect((await api('POST', '/api/vault/unlock', { passphrase: recoveryKey })).json['state']).toBe(
      'unlocked',
    );
    expect(await run({ argv: ['cat', `${MOUNT}/files/note.txt`] })).toBe('kept\n');
  });

  it('manages key slots: add, change, remove, never the last one', async () => {
    const added = await api('POST', '/api/vault/keyslots', {
      passphrase: PASSPHRASE,
      newPassphrase: 'second vault passphrase',
    });
    expect(added.status, JSON.stringify(added.json)).toBe(201);
    expect((await api('GET', '/api/vault/keyslots')).json['slots']).toHaveLength(3);
    const changed = await api('POST', '/api/vault/passphrase', {
      passphrase: 'second vault passphrase',
      newPassphrase: 'third vault passphrase',
    });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    const slot = Number(changed.json['slot']); // LUKS2 may move a changed key to another slot
    const removed = await api('DELETE', `/api/vault/keyslots/${slot}`, { passphrase: PASSPHRASE });
    expect(removed.status, JSON.stringify(removed.json)).toBe(204);
    const slots = (await api('GET', '/api/vault/keyslots')).json['slots'] as { slot: number }[];
    expect(slots).toHaveLength(2);
    const recoverySlot = slots.find((s) => s.slot !== 0)?.slot ?? 1;
    expect(
      (await api('DELETE', `/api/vault/keyslots/${recoverySlot}`, { passphrase: PASSPHRASE })).status,
    ).toBe(204);
    const last = await api('DELETE', '/api/vault/keyslots/0', { passphrase: PASSPHRASE });
    expect(last.json['code']).toBe('LAST_KEY_SLOT');
  });

  it('streams a header backup after the admin password, which cryptsetup accepts', async () => {
    expect((await api('POST', '/api/vault/header-backup', { password: 'wrong' })).json['code']).toBe(
      'WRONG_PASSWORD',
    );
    const backup = await api('POST', '/api/vault/header-backup', { password: ADMIN.password });
    expect(backup.status).toBe(200);
    expect(backup.bytes.subarray(0, 6)).toEqual(Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]));
  });

  it('sees a volume unmounted behind its back as locked', async () => {
    await run({ argv: ['umount', '-l', MOUNT] });
    expect((await api('GET', '/api/vault')).json['state']).toBe('locked');
    expect(await run({ argv: ['ls', '-A', MOUNT] })).toBe('');
  });
});
