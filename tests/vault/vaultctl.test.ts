// The privileged vault helper on the host: the real Python program and real cryptsetup on a sparse image file in a
// temp dir, named by a test config (VIGIL_VAULTCTL_CONF; the tests run as root, not through sudo). Only LUKS header
// operations work here (no device-mapper); mappings, mkfs and mounts are tested in the QEMU guest.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const helper = path.resolve(import.meta.dirname, '../../appliance/vaultctl/vigil-vaultctl');
/** Tiny argon2id cost: cryptsetup's calibrated default takes ~2 s and up to 1 GiB per key slot. */
const TINY_PBKDF = ['--pbkdf-memory', '32', '--pbkdf-iterations', '4'];
const PASSPHRASE = 'correct horse battery staple';
const RECOVERY_KEY = 'recovery 7f3a-91bc-44e0';
const IMAGE_BYTES = 32 * 1024 * 1024;
const hasDeviceMapper = /\bdevice-mapper\b/.test(readFileSync('/proc/misc', 'utf8'));

/** One answer of the helper: `{ok:true, ...}` or `{ok:false, code, message, ...}`. */
interface Answer {
  ok: boolean;
  code?: string;
  message?: string;
  [field: string]: unknown;
}

interface Raw {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

let dir = '';
let conf = '';
let image = '';

/** Runs the helper with a clean environment (no SUDO_UID) and `stdin` as its whole input. */
function runHelper(args: string[], stdin = '', config = conf): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const child = spawn(helper, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', VIGIL_VAULTCTL_CONF: config },
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out), stderr }));
    child.stdin.end(stdin);
  });
}

/** Runs a JSON verb and checks the protocol on every answer: one JSON line, no stderr, exit 0 exactly when ok. */
async function ctl(
  args: string[],
  secrets?: Record<string, unknown> | string,
  config = conf,
): Promise<Answer> {
  const stdin = typeof secrets === 'string' ? secrets : secrets === undefined ? '' : JSON.stringify(secrets);
  const { status, stdout, stderr } = await runHelper(args, stdin, config);
  const text = stdout.toString();
  expect(stderr, `stderr of ${args.join(' ')}`).toBe('');
  expect(text.endsWith('\n') && text.indexOf('\n') === text.length - 1, `one line: ${text}`).toBe(true);
  const answer = JSON.parse(text) as Answer;
  if (answer.ok) {
    expect(status).toBe(0);
  } else {
    expect(answer).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(status).toBe(answer.code === 'BAD_ARGUMENTS' ? 64 : 1);
  }
  return answer;
}

const slotNumbers = (answer: Answer) => (answer.slots as { slot: number }[]).map((slot) => slot.slot);

function sparseImage(file: string): void {
  writeFileSync(file, '');
  truncateSync(file, IMAGE_BYTES);
}

function writeConfig(file: string, device: string): void {
  writeFileSync(file, `# test vault\ndevice=${device}\nmapper=vigil-vault-test\nmount=${dir}/mnt\n`, {
    mode: 0o644,
  });
  chmodSync(file, 0o644);
}

/** `cryptsetup open --test-passphrase` directly, the key typed as at a console: no trailing newline. */
function opensDirectly(key: string, device = image): boolean {
  const args = ['open', '--test-passphrase', '--key-file=-', device];
  return spawnSync('cryptsetup', args, { input: key }).status === 0;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-vaultctl-')); // 0700, owned by root: passes the config checks
  image = path.join(dir, 'vault.img');
  conf = path.join(dir, 'vaultctl.conf');
  sparseImage(image);
  writeConfig(conf, image);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('vigil-vaultctl on an image file', () => {
  it('runs as root, as the helper does (npm test runs as root)', () => {
    expect(process.getuid?.(), 'the vault tier needs root: run npm test as root, as CI does').toBe(0);
  });

  it('reports a blank image and what the kernel can do', async () => {
    const status = await ctl(['status']);
    expect(status).toMatchObject({
      ok: true,
      configured: true,
      config: { device: image, mapper: 'vigil-vault-test', mount: `${dir}/mnt` },
      kernel: { deviceMapper: hasDeviceMapper, cryptsetup: true },
      device: { exists: true, kind: 'file', sizeBytes: IMAGE_BYTES, isLuks: false, signature: null },
      luks: null,
      mapper: { active: false, path: '/dev/mapper/vigil-vault-test' },
      mount: { mounted: false, sourceIsMapper: false, fsType: null, sizeBytes: null },
    });
  });

  it('answers NOT_CONFIGURED without a config, while status still reports the kernel', async () => {
    const missing = path.join(dir, 'missing.conf');
    const status = await ctl(['status'], undefined, missing);
    expect(status).toMatchObject({ ok: true, configured: false, config: null, device: null });
    expect(status.kernel).toEqual({ deviceMapper: hasDeviceMapper, cryptsetup: true });
    const format = await ctl(['format'], { passphrase: PASSPHRASE, recoveryKey: RECOVERY_KEY }, missing);
    expect(format.code).toBe('NOT_CONFIGURED');
  });

  // Test mode changes only where the config is; its owner and mode are checked as in production.
  it('refuses a config that group or others may write', async () => {
    for (const mode of [0o664, 0o646]) {
      chmodSync(conf, mode);
      expect(await ctl(['status'])).toMatchObject({ ok: false, code: 'BAD_CONFIG' });
    }
    chmodSync(conf, 0o644);
    const bad = path.join(dir, 'bad.conf');
    writeFileSync(bad, 'device=relative/path\n', { mode: 0o644 });
    expect(await ctl(['status'], undefined, bad)).toMatchObject({ ok: false, code: 'BAD_CONFIG' });
  });

  it('refuses to format over an ext4 signature unless --wipe', async () => {
    expect(spawnSync('mkfs.ext4', ['-q', '-F', image]).status).toBe(0);
    const secrets = { passphrase: PASSPHRASE, recoveryKey: RECOVERY_KEY };
    const refused = await ctl(['format', ...TINY_PBKDF], secrets);
    expect(refused).toMatchObject({ ok: false, code: 'DEVICE_NOT_EMPTY' });
    expect(refused.message).toContain('ext4');
    const formatted = await ctl(['format', '--wipe', ...TINY_PBKDF], secrets);
    expect(formatted).toMatchObject({ ok: true, uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(formatted.slots).toEqual([
      { slot: 0, active: true, pbkdf: 'argon2id' },
      { slot: 1, active: true, pbkdf: 'argon2id' },
    ]);
    expect(await ctl(['format', ...TINY_PBKDF], secrets)).toMatchObject({ code: 'DEVICE_NOT_EMPTY' });
  });

  it('reports the LUKS2 volume after format', async () => {
    const status = await ctl(['status']);
    expect(status).toMatchObject({
      device: { exists: true, kind: 'file', isLuks: true, signature: 'crypto_LUKS' },
      luks: {
        version: 2,
        uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        cipher: 'aes-xts-plain64',
        keySizeBits: 512,
        pbkdf: 'argon2id',
        slotsTotal: 32,
      },
    });
    expect(slotNumbers(status.luks as Answer)).toEqual([0, 1]);
    // The helper's key bytes are the passphrase alone, so a console (or cryptsetup directly) opens it too.
    expect(opensDirectly(PASSPHRASE)).toBe(true);
    expect(opensDirectly(`${PASSPHRASE}\n`)).toBe(false);
  });

  it('tests keys: the right ones name their slot, a wrong one is WRONG_PASSPHRASE', async () => {
    expect(await ctl(['test-key'], { passphrase: PASSPHRASE })).toEqual({ ok: true, slot: 0 });
    expect(await ctl(['test-key'], { passphrase: RECOVERY_KEY })).toEqual({ ok: true, slot: 1 });
    expect(await ctl(['test-key'], { passphrase: 'wrong' })).toMatchObject({ code: 'WRONG_PASSPHRASE' });
  });

  it('adds a key in a third slot and changes it', async () => {
    const added = await ctl(['add-key', ...TINY_PBKDF], {
      passphrase: PASSPHRASE,
      newPassphrase: 'added key',
    });
    expect(added).toMatchObject({ ok: true, slot: 2 });
    expect(slotNumbers(added)).toEqual([0, 1, 2]);
    const wrong = await ctl(['add-key', ...TINY_PBKDF], { passphrase: 'nope', newPassphrase: 'other' });
    expect(wrong.code).toBe('WRONG_PASSPHRASE');
    const changed = await ctl(['change-key', ...TINY_PBKDF], {
      passphrase: 'added key',
      newPassphrase: 'changed key',
    });
    expect(changed).toMatchObject({ ok: true, slot: 2 });
    expect(slotNumbers(changed)).toEqual([0, 1, 2]);
    expect(await ctl(['test-key'], { passphrase: 'changed key' })).toEqual({ ok: true, slot: 2 });
    expect(await ctl(['test-key'], { passphrase: 'added key' })).toMatchObject({ code: 'WRONG_PASSPHRASE' });
  });

  it('removes a slot with the key of another slot, and a slot with its own key', async () => {
    const wrong = await ctl(['remove-key', '--slot', '2'], { passphrase: 'wrong' });
    expect(wrong.code).toBe('WRONG_PASSPHRASE');
    const other = await ctl(['remove-key', '--slot', '2'], { passphrase: PASSPHRASE });
    expect(other).toMatchObject({ ok: true, slot: 2 });
    expect(slotNumbers(other)).toEqual([0, 1]);
    const own = await ctl(['remove-key', '--slot', '1'], { passphrase: RECOVERY_KEY });
    expect(own).toMatchObject({ ok: true, slot: 1 });
    expect(slotNumbers(own)).toEqual([0]);
    expect(opensDirectly(RECOVERY_KEY)).toBe(false);
    expect(opensDirectly(PASSPHRASE)).toBe(true);
  });

  it('keeps the last key slot and refuses a free one', async () => {
    expect(await ctl(['remove-key', '--slot', '0'], { passphrase: PASSPHRASE })).toMatchObject({
      code: 'LAST_KEY_SLOT',
    });
    expect(await ctl(['remove-key', '--slot', '5'], { passphrase: PASSPHRASE })).toMatchObject({
      code: 'NO_SUCH_SLOT',
    });
    expect(opensDirectly(PASSPHRASE)).toBe(true);
  });

  it('streams a header backup that cryptsetup accepts, and leaves no copy behind', async () => {
    const { status, stdout, stderr } = await runHelper(['header-backup']);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout.subarray(0, 6)).toEqual(Buffer.from('LUKS\xba\xbe', 'latin1'));
    const backup = path.join(dir, 'header.img');
    writeFileSync(backup, stdout);
    expect(spawnSync('cryptsetup', ['isLuks', backup]).status).toBe(0);
    const leftovers = ['/run', '/dev/shm'].flatMap((base) =>
      readdirSync(base).filter((name) => name.startsWith('vigil-vaultctl.')),
    );
    expect(leftovers).toEqual([]);
  });

  // The guest tests cover real mappings; here the answers that need no mapping, and without device-mapper
  // (these machines) a clean error for opening instead of a traceback.
  it('answers mapping verbs cleanly on this kernel, never with a traceback', async () => {
    if (!hasDeviceMapper) {
      expect(await ctl(['open'], { passphrase: PASSPHRASE })).toMatchObject({
        ok: false,
        code: 'NO_DEVICE_MAPPER',
      });
    }
    expect(await ctl(['mount'])).toMatchObject({ ok: false, code: 'LOCKED' });
    expect(await ctl(['mkfs'])).toMatchObject({ ok: false, code: 'LOCKED' });
    expect(await ctl(['umount'])).toEqual({ ok: true, already: true, lazy: false });
    expect(await ctl(['close'])).toEqual({ ok: true, already: true, deferred: false });
    expect(await ctl(['holders'])).toEqual({ ok: true, mounted: false, holders: [] });
  });

  it('rejects bad arguments with exit 64', async () => {
    const cases = [
      [],
      ['frobnicate'],
      ['status', 'extra'],
      ['remove-key'],
      ['remove-key', '--slot', '99'],
      ['remove-key', '--slot', '1;rm'],
      ['remove-key', '--slot=1'],
      ['remove-key', '--slot', '1', '--slot', '2'],
      ['test-key', '--wipe'],
      ['format', '--wipe', '--wipe'],
      ['format', '--pbkdf-memory', '16', '--pbkdf-iterations', '4'],
      ['format', '--pbkdf-memory', '32', '--pbkdf-iterations', '1001'],
      ['format', '--pbkdf-memory', '32'],
      ['add-key', '--pbkdf-iterations', '4'],
    ];
    for (const args of cases) {
      expect(await ctl(args, { passphrase: PASSPHRASE }), args.join(' ')).toMatchObject({
        ok: false,
        code: 'BAD_ARGUMENTS',
      });
    }
    expect(await ctl(['test-key'], 'not json')).toMatchObject({ code: 'BAD_ARGUMENTS' });
    expect(await ctl(['test-key'], { passphrase: PASSPHRASE, extra: 'x' })).toMatchObject({
      code: 'BAD_ARGUMENTS',
    });
  });

  it('rejects passphrases with control characters, empty, too long or not strings', async () => {
    const secret = 'Sesame-4242';
    const bad: unknown[] = [`${secret}\n`, `${secret}\0x`, `${secret}\x7f`, '', 'é'.repeat(257), 42, null];
    for (const passphrase of bad) {
      const answer = await ctl(['test-key'], { passphrase });
      expect(answer, JSON.stringify(passphrase)).toMatchObject({ ok: false, code: 'BAD_PASSPHRASE' });
      expect(JSON.stringify(answer)).not.toContain(secret);
    }
    expect(await ctl(['test-key'], {})).toMatchObject({ code: 'BAD_PASSPHRASE' });
  });

  it('never puts a secret in any process argv or environment', async () => {
    const secret = `argv-canary-${String(process.pid)}-${String(Date.now())}`;
    const device = path.join(dir, 'canary.img');
    const config = path.join(dir, 'canary.conf');
    sparseImage(device);
    writeConfig(config, device);
    const progress = { done: false };
    // A larger argon2 cost keeps cryptsetup running ~0.3 s per slot, long enough to be seen in /proc.
    const answer = ctl(
      ['format', '--pbkdf-memory', '65536', '--pbkdf-iterations', '4'],
      { passphrase: `${secret}-passphrase`, recoveryKey: `${secret}-recovery` },
      config,
    ).finally(() => (progress.done = true));
    const leaks = new Set<string>();
    const seen = new Set<string>();
    const canary = Buffer.from(secret);
    while (!progress.done) {
      for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
        for (const file of ['cmdline', 'environ']) {
          let data: Buffer;
          try {
            data = readFileSync(`/proc/${pid}/${file}`);
          } catch {
            continue; // the process exited between readdir and read
          }
          if (data.includes(canary)) leaks.add(`${pid}/${file}: ${data.toString().replaceAll('\0', ' ')}`);
          const words = data.toString().split('\0');
          if (file === 'cmdline' && words.some((word) => word.endsWith('cryptsetup'))) {
            seen.add(words.filter((word) => /^(luks[A-Z]|--key-file)/.test(word)).join(' '));
          }
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await answer).toMatchObject({ ok: true });
    expect([...leaks]).toEqual([]);
    // The scan did see cryptsetup at work, the second key going through a pipe named /dev/fd/N.
    expect([...seen]).toContain('luksFormat --key-file=-');
    expect([...seen].some((line) => /^luksAddKey --key-file=\/dev\/fd\/\d+$/.test(line))).toBe(true);
  });
});
