// Runs the built Vigil server inside the vault test guest as the unprivileged `vigil` account, the way the
// appliance does (root-owned helper config, sudo rule from the guest's init), and talks to it from the host.
import path from 'node:path';
import { appRoot } from '../../server/config.js';
import type { ExecRequest, Guest } from './guest.js';

export const GUEST_PORT = 8080;
export const SERVER_LOG = '/run/vigil-test/vigil-server.log';
export const DATA_DIR = '/run/vigil-test/vigil-data';
const SECRETS_FILE = '/root/scan-secrets';
const SCAN_LOG = '/run/vigil-test/secret-scan.log';

export interface VigilInGuest {
  run(request: ExecRequest): Promise<string>;
  api(
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown>; bytes: Buffer }>;
  /** Multipart upload of one file into a folder, as the signed-in admin. */
  upload(
    folder: string,
    name: string,
    content: Buffer | ReadableStream<Uint8Array>,
    length?: number,
  ): Promise<Response>;
  url: string;
}

export async function startVigilInGuest(
  guest: Guest,
  vault: { device: string; mount: string },
  admin: { username: string; password: string },
): Promise<VigilInGuest> {
  const run = async (request: ExecRequest) => {
    const result = await guest.exec(request);
    if (result.code !== 0) throw new Error(`${request.argv.join(' ')} → ${result.code}: ${result.stderr}`);
    return result.stdout;
  };
  // Scratch files live in the guest's own /run: its /tmp shows the host's, stale files of other runs included.
  await run({ argv: ['mkdir', '-p', '/etc/vigil', '/run/vigil-test'] });
  await run({ argv: ['chmod', '1777', '/run/vigil-test'] });
  await run({
    argv: ['sh', '-c', 'cat > /etc/vigil/vaultctl.conf'],
    stdin: `device=${vault.device}\nmapper=vigil-vault\nmount=${vault.mount}\nowner=vigil\n`,
  });
  await run({ argv: ['install', '-d', '-o', 'vigil', '-g', 'vigil', '-m', '0700', DATA_DIR] });
  const root = appRoot();
  await guest.spawn({
    user: 'vigil',
    logFile: SERVER_LOG,
    argv: [path.join(root, '.runtime/node/bin/node'), path.join(root, 'dist/server/main.js')],
    env: {
      PORT: String(GUEST_PORT),
      HOST: '0.0.0.0',
      VIGIL_DATA_DIR: DATA_DIR,
      VIGIL_MEDIA: 'off',
      VIGIL_ARGON2_MEMORY_KIB: '19456',
      VIGIL_ARGON2_ITERATIONS: '2',
      VIGIL_VAULT_DEVICE: vault.device,
      VIGIL_VAULT_MOUNT: vault.mount,
      VIGIL_VAULT_PBKDF_MEMORY_KIB: '32',
      VIGIL_VAULT_PBKDF_ITERATIONS: '4',
    },
  });
  const url = guest.url(GUEST_PORT);
  // The setup link is printed before the port is listening, and QEMU's forward accepts (then drops) connections
  // until it is: wait for both.
  let token: string | undefined;
  let healthy = false;
  for (let i = 0; i < 240 && (token === undefined || !healthy); i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    token ??= /\/setup\?token=([A-Za-z0-9_-]+)/.exec(await run({ argv: ['cat', SERVER_LOG] }))?.[1];
    healthy =
      token !== undefined &&
      (await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      ));
  }
  if (token === undefined || !healthy) {
    throw new Error(`the server did not start:\n${await run({ argv: ['cat', SERVER_LOG] })}`);
  }
  const json = { 'content-type': 'application/json' };
  const setup = await fetch(`${url}/api/setup`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ ...admin, token }),
  });
  if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(admin),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

  return {
    url,
    run,
    async api(method, route, body) {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: { cookie, ...(body === undefined ? {} : json) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      const parsed = (response.headers.get('content-type') ?? '').includes('json')
        ? (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>)
        : {};
      return { status: response.status, json: parsed, bytes };
    },
    upload(folder, name, content, length) {
      const boundary = `----vigil${Date.now()}`;
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      );
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      const headers = {
        cookie,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(length === undefined ? {} : { 'content-length': String(head.length + length + tail.length) }),
      };
      const target = `${url}/api/files/upload?path=${encodeURIComponent(folder)}`;
      if (Buffer.isBuffer(content)) {
        return fetch(target, { method: 'POST', headers, body: Buffer.concat([head, content, tail]) });
      }
      const reader = content.getReader();
      let started = false;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (!started) {
            started = true;
            controller.enqueue(head);
            return;
          }
          const next = await reader.read();
          if (next.done) {
            controller.enqueue(tail);
            controller.close();
          } else {
            controller.enqueue(next.value);
          }
        },
      });
      // Node's fetch streams a body only in half-duplex mode (not in the DOM's RequestInit type).
      const init: RequestInit & { duplex: 'half' } = { method: 'POST', headers, body, duplex: 'half' };
      return fetch(target, init);
    },
  };
}

/**
 * Starts a root watcher in the guest that reads every process's argv and environment every few milliseconds
 * and logs any that contains a secret (from a root-only file it re-reads, so secrets learned later count).
 */
export async function startSecretScanner(
  guest: Guest,
  vigil: VigilInGuest,
): Promise<{
  add(secret: string): Promise<void>;
  hits(): Promise<string[]>;
}> {
  const secrets: string[] = [];
  const write = () =>
    vigil.run({ argv: ['sh', '-c', `umask 077; cat > ${SECRETS_FILE}`], stdin: secrets.join('\n') });
  await write();
  const code = `
    const fs = require('fs');
    let secrets = [];
    setInterval(() => { try { secrets = fs.readFileSync('${SECRETS_FILE}', 'utf8').split('\\n').filter(Boolean); } catch {} }, 500);
    const scan = () => {
      for (const pid of fs.readdirSync('/proc')) {
        if (!/^\\d+$/.test(pid) || pid === String(process.pid)) continue;
        for (const file of ['cmdline', 'environ']) {
          let text = '';
          try { text = fs.readFileSync('/proc/' + pid + '/' + file, 'latin1'); } catch { continue; }
          for (const s of secrets) if (text.includes(s)) fs.appendFileSync('${SCAN_LOG}', 'HIT ' + pid + ' ' + file + ' ' + text.split('\\0')[0] + '\\n');
        }
      }
      setTimeout(scan, 5);
    };
    scan();`;
  await guest.spawn({
    argv: [path.join(appRoot(), '.runtime/node/bin/node'), '-e', code],
    logFile: '/run/vigil-test/scanner.out',
  });
  await vigil.run({ argv: ['touch', SCAN_LOG] });
  return {
    async add(secret) {
      secrets.push(secret);
      await write();
    },
    async hits() {
      return (await vigil.run({ argv: ['cat', SCAN_LOG] })).split('\n').filter(Boolean);
    },
  };
}

/** Counts occurrences of `marker` in a file or block device, read in bounded slices (never all into memory). */
export async function countOnDisk(vigil: VigilInGuest, target: string, marker: string): Promise<number> {
  const code = `
    const fs = require('fs');
    const marker = Buffer.from(process.env.MARKER, 'utf8');
    const fd = fs.openSync(process.env.TARGET, 'r');
    const slice = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0), count = 0, position = 0;
    for (;;) {
      const n = fs.readSync(fd, slice, 0, slice.length, position);
      if (n === 0) break;
      position += n;
      const window = Buffer.concat([carry, slice.subarray(0, n)]);
      for (let at = window.indexOf(marker); at >= 0; at = window.indexOf(marker, at + 1)) count++;
      carry = Buffer.from(window.subarray(Math.max(0, window.length - marker.length + 1)));
    }
    console.log(count);`;
  const out = await vigil.run({
    argv: [path.join(appRoot(), '.runtime/node/bin/node'), '-e', code],
    env: { MARKER: marker, TARGET: target },
  });
  return Number(out.trim());
}
