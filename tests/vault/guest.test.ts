// The vault test guest itself: what the vault tests rely on works there (dm-crypt, the unprivileged account,
// the single sudo rule, background programs and port forwarding). One boot for the whole file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGuest, type ExecRequest, type ExecResult, type Guest } from './guest.js';

// Tiny argon2id cost: the defaults take up to 1 GiB and ~2 s per keyslot and would OOM a 1 GiB guest.
const TEST_PBKDF = '--pbkdf argon2id --pbkdf-memory 32 --pbkdf-force-iterations 4 --pbkdf-parallel 1'.split(
  ' ',
);
const PASSPHRASE = 'correct horse battery staple';
const HTTP_PORT = 8080;

let booted: Guest | undefined;

beforeAll(async () => {
  booted = await startGuest({ disks: [{ sizeMiB: 64 }], forwardPorts: [HTTP_PORT] });
});

afterAll(async () => {
  await booted?.stop();
});

/** The file's guest; a failed boot already failed beforeAll, with the serial console in its error. */
function guestOf(): Guest {
  if (booted === undefined) throw new Error('the guest did not boot');
  return booted;
}

/** Runs a command and fails the test with its output unless it exits 0. */
async function run(request: ExecRequest): Promise<ExecResult> {
  const result = await guestOf().exec(request);
  expect(result, `${request.argv.join(' ')}: ${result.stderr}`).toMatchObject({ code: 0 });
  return result;
}

describe('vault test guest', () => {
  it('has device-mapper', async () => {
    const { stdout } = await run({ argv: ['cat', '/proc/misc'] });
    expect(stdout).toMatch(/\bdevice-mapper\b/);
  });

  it('runs a LUKS2 cycle on /dev/vda with the passphrase on stdin', async () => {
    await run({
      argv: [
        'cryptsetup',
        'luksFormat',
        '--type',
        'luks2',
        '--batch-mode',
        ...TEST_PBKDF,
        '--key-file=-',
        '/dev/vda',
      ],
      stdin: PASSPHRASE,
    });
    const wrong = await guestOf().exec({
      argv: ['cryptsetup', 'open', '--test-passphrase', '--key-file=-', '/dev/vda'],
      stdin: 'wrong',
    });
    expect(wrong.code).toBe(2);
    await run({ argv: ['cryptsetup', 'open', '--key-file=-', '/dev/vda', 'smoke'], stdin: PASSPHRASE });
    await run({ argv: ['mkfs.ext4', '-q', '/dev/mapper/smoke'] });
    await run({
      argv: [
        'sh',
        '-euc',
        'mkdir -p /mnt/smoke; mount /dev/mapper/smoke /mnt/smoke; echo sealed > /mnt/smoke/note; umount /mnt/smoke',
      ],
    });
    await run({ argv: ['cryptsetup', 'close', 'smoke'] });
    // Open again: the file survived the close, so it was on the encrypted disk.
    await run({ argv: ['cryptsetup', 'open', '--key-file=-', '/dev/vda', 'smoke'], stdin: PASSPHRASE });
    const { stdout } = await run({
      argv: [
        'sh',
        '-euc',
        'mount -o ro /dev/mapper/smoke /mnt/smoke; cat /mnt/smoke/note; umount /mnt/smoke',
      ],
    });
    expect(stdout).toBe('sealed\n');
    await run({ argv: ['cryptsetup', 'close', 'smoke'] });
  });

  it('runs commands as the unprivileged vigil account', async () => {
    const { stdout } = await run({ argv: ['id', '-u'], user: 'vigil' });
    expect(Number(stdout)).not.toBe(0);
    expect(Number(stdout)).toBe(990);
  });

  it('lets vigil sudo the vault helper and nothing else', async () => {
    await run({
      argv: [
        'sh',
        '-euc',
        'mkdir -p /usr/local/libexec; printf "#!/bin/sh\\nid -u\\n" > /usr/local/libexec/vigil-vaultctl; ' +
          'chmod 0755 /usr/local/libexec/vigil-vaultctl',
      ],
    });
    const helper = await run({ argv: ['sudo', '-n', '/usr/local/libexec/vigil-vaultctl'], user: 'vigil' });
    expect(helper.stdout).toBe('0\n');
    const other = await guestOf().exec({ argv: ['sudo', '-n', '/bin/true'], user: 'vigil' });
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/password is required/);
    const { stdout } = await run({ argv: ['sudo', '-n', '-l'], user: 'vigil' });
    const rules = stdout.slice(stdout.indexOf('may run the following commands')).split('\n').slice(1);
    expect(rules.map((line) => line.trim()).filter(Boolean)).toEqual([
      '(root) NOPASSWD: /usr/local/libexec/vigil-vaultctl',
    ]);
  });

  it('runs background programs and forwards their ports to the host', async () => {
    await run({
      argv: [
        'sh',
        '-euc',
        'mkdir -p /run/vigil-test/www; echo hello from the guest > /run/vigil-test/www/index.html',
      ],
    });
    const { pid } = await guestOf().spawn({
      argv: ['busybox', 'httpd', '-f', '-p', String(HTTP_PORT), '-h', '/run/vigil-test/www'],
      logFile: '/run/vigil-test/httpd.log',
    });
    let body = '';
    for (let attempt = 0; attempt < 50 && body === ''; attempt++) {
      body = await fetch(`${guestOf().url(HTTP_PORT)}/index.html`).then(
        (response) => (response.ok ? response.text() : ''),
        () => new Promise<string>((resolve) => setTimeout(() => resolve(''), 100)),
      );
    }
    expect(body).toBe('hello from the guest\n');
    await guestOf().kill(pid);
    await expect
      .poll(async () => (await guestOf().exec({ argv: ['kill', '-0', String(pid)] })).code)
      .not.toBe(0);
  });
});
