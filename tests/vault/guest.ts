// A throwaway QEMU guest with a real dm-crypt kernel for the vault tests: the host has no device-mapper, so
// every LUKS mapping, mkfs and mount runs in here. The guest's root is the host's own / (read-only, under a
// tmpfs overlay), so it runs this repository, node and cryptsetup unchanged. Boot ~7 s under TCG: start one
// guest per test file (beforeAll), not per test. Assets come from scripts/guest-assets (run by scripts/setup).
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transformWithOxc } from 'vite';
import { freePort } from '../../server/live/janus/free-port.js';
import {
  AGENT_PORT,
  type ExecRequest,
  type ExecResult,
  type SpawnRequest,
  type SpawnResult,
} from './guest-protocol.js';
import { qemuArgs } from './qemu-args.js';
import { startQemu, type QemuProcess } from './qemu-process.js';

export type { ExecRequest, ExecResult, SpawnRequest, SpawnResult } from './guest-protocol.js';

export interface GuestOptions {
  /** Blank disks, sparse files on the host, seen in the guest as /dev/vda, /dev/vdb, … Default: none. */
  disks?: { sizeMiB: number }[];
  /** Guest memory in MiB. Default: 1024. */
  memoryMiB?: number;
  /** Guest TCP ports that url() makes reachable from the host (the agent's port always is). Default: none. */
  forwardPorts?: number[];
  /** Milliseconds to wait for the guest agent to answer. Default: 60 000. */
  bootTimeoutMs?: number;
}

export interface Guest {
  /** Runs a program in the guest to completion (as root unless `user: 'vigil'`). */
  exec(request: ExecRequest): Promise<ExecResult>;
  /** Starts a program in the background; its output goes to `logFile` in the guest. */
  spawn(request: SpawnRequest): Promise<SpawnResult>;
  /** Sends a signal (default SIGTERM) to a guest pid; rejects when there is no such process. */
  kill(pid: number, signal?: NodeJS.Signals): Promise<void>;
  /** `http://127.0.0.1:<host port>` forwarded to `guestPort`, which must be in `forwardPorts` (or the agent's). */
  url(guestPort: number): string;
  /** Everything the guest wrote to its serial console so far (kernel, init, agent). */
  console(): string;
  /** Powers the guest off (QEMU is killed after 10 s), then deletes the disks. Safe to call twice. */
  stop(): Promise<void>;
}

export type GuestErrorCode = 'ASSETS_MISSING' | 'BOOT_FAILED' | 'GUEST_DIED' | 'AGENT_ERROR';

export class GuestError extends Error {
  override name = 'GuestError';
  constructor(
    readonly code: GuestErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const repoRoot = path.resolve(import.meta.dirname, '../..');
const DEFAULT_BOOT_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
/** An agent request may take this much longer than the command's own timeout (JSON, 9p, a busy TCG guest). */
const REQUEST_MARGIN_MS = 30_000;
const DEFAULT_EXEC_TIMEOUT_MS = 120_000;
/** How often a boot is retried when QEMU lost a host port to another program between freePort() and bind. */
const PORT_RACE_ATTEMPTS = 3;

interface Assets {
  vmlinux: string;
  initramfs: string;
  modules: string;
}

function guestAssets(): Assets {
  const dir = path.join(repoRoot, '.runtime/guest/current');
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new GuestError('ASSETS_MISSING', `no guest kernel in ${dir}: run 'bash scripts/guest-assets'`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Assets;
  return {
    vmlinux: path.join(dir, manifest.vmlinux),
    initramfs: path.join(dir, manifest.initramfs),
    modules: path.join(dir, manifest.modules),
  };
}

/**
 * The agent as plain JavaScript in .runtime/guest (the guest sees the repository through 9p): Node's own type
 * stripping would cost the guest about a second of every boot under TCG. Rewritten only when it changed, by rename,
 * so a guest booting from another test process never reads half a file.
 */
async function agentScript(): Promise<string> {
  const source = path.join(repoRoot, 'tests/vault/guest/agent.ts');
  const { code } = await transformWithOxc(readFileSync(source, 'utf8'), source, { lang: 'ts' });
  const file = path.join(repoRoot, '.runtime/guest/agent.mjs');
  if (!existsSync(file) || readFileSync(file, 'utf8') !== code) {
    writeFileSync(`${file}.${process.pid}`, code);
    renameSync(`${file}.${process.pid}`, file);
  }
  return file;
}

/**
 * Disk images of guests whose test process was killed (QEMU dies with it, but nobody deletes its files). The
 * directory names carry the owning pid; the images are sparse, so this is tidiness, not a disk-space rescue.
 */
function removeOrphanedWorkDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const owner = /^vigil-guest-(\d+)-/.exec(name)?.[1];
    if (owner === undefined || existsSync(`/proc/${owner}`)) continue;
    rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** Free loopback ports, pairwise distinct (freePort closes its probe, so two calls may name the same port). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Waits for `promise` or `ms`, whichever comes first, and leaves no timer behind. */
async function settledWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export async function startGuest(options: GuestOptions = {}): Promise<Guest> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await bootOnce(options);
    } catch (error) {
      const portLost =
        error instanceof GuestError && /Could not set up host forwarding rule/.test(error.message);
      if (!portLost || attempt >= PORT_RACE_ATTEMPTS) throw error;
    }
  }
}

async function bootOnce(options: GuestOptions): Promise<Guest> {
  const assets = guestAssets();
  const guestPorts = [AGENT_PORT, ...(options.forwardPorts ?? []).filter((port) => port !== AGENT_PORT)];
  const hostPorts = await distinctFreePorts(guestPorts.length);
  const hostPortOf = new Map(guestPorts.map((guestPort, i) => [guestPort, hostPorts[i]!]));
  removeOrphanedWorkDirs();
  const workDir = mkdtempSync(path.join(tmpdir(), `vigil-guest-${process.pid}-`));
  const disks = (options.disks ?? []).map(({ sizeMiB }, index) => {
    const file = path.join(workDir, `disk${index}.img`);
    writeFileSync(file, '');
    truncateSync(file, sizeMiB * 1024 * 1024);
    return file;
  });
  const qemu = startQemu(
    qemuArgs({
      vmlinux: assets.vmlinux,
      initramfs: assets.initramfs,
      initEnv: {
        VIGIL_MODULES: assets.modules,
        VIGIL_STAGE2: path.join(repoRoot, 'tests/vault/guest/root-init.sh'),
        VIGIL_NODE: path.join(repoRoot, '.runtime/node/bin/node'),
        VIGIL_AGENT: await agentScript(),
        VIGIL_AGENT_PORT: String(AGENT_PORT),
      },
      memoryMiB: options.memoryMiB ?? 1024,
      disks,
      forwards: guestPorts.map((guestPort) => ({ guestPort, hostPort: hostPortOf.get(guestPort)! })),
    }),
  );
  const agentUrl = `http://127.0.0.1:${hostPortOf.get(AGENT_PORT)!}`;
  const cleanUp = async () => {
    await qemu.kill();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await waitForAgent(qemu, agentUrl, options.bootTimeoutMs ?? DEFAULT_BOOT_TIMEOUT_MS);
  } catch (error) {
    await cleanUp();
    throw error;
  }

  const request = <T>(route: string, body: object, timeoutMs: number) =>
    agentRequest<T>(qemu, agentUrl + route, body, timeoutMs);
  let stopped: Promise<void> | undefined;
  return {
    exec: (req) =>
      request<ExecResult>('/exec', req, (req.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS) + REQUEST_MARGIN_MS),
    spawn: (req) => request<SpawnResult>('/spawn', req, REQUEST_MARGIN_MS),
    kill: async (pid, signal = 'SIGTERM') => {
      await request('/kill', { pid, signal }, REQUEST_MARGIN_MS);
    },
    url: (guestPort) => {
      const hostPort = hostPortOf.get(guestPort);
      if (hostPort === undefined)
        throw new GuestError('AGENT_ERROR', `guest port ${guestPort} is not forwarded`);
      return `http://127.0.0.1:${hostPort}`;
    },
    console: () => qemu.serial(),
    stop: () =>
      (stopped ??= (async () => {
        if (qemu.exitStatus() === undefined) {
          try {
            await request('/shutdown', {}, 5000);
          } catch {
            // a guest that cannot take the request is killed below all the same
          }
          await settledWithin(qemu.exited, STOP_TIMEOUT_MS);
        }
        await cleanUp();
      })()),
  };
}

/** Polls the agent until it answers; fails early when QEMU exits, with its console in the error. */
async function waitForAgent(qemu: QemuProcess, agentUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exitStatus = qemu.exitStatus();
    if (exitStatus !== undefined) {
      throw new GuestError('BOOT_FAILED', `QEMU exited during boot (${exitStatus})\n${qemu.report()}`);
    }
    try {
      const health = await fetch(`${agentUrl}/health`, { signal: AbortSignal.timeout(2000) });
      if (health.ok) return;
    } catch {
      // QEMU's forwarder accepts before the agent listens, then drops the connection: not up yet, ask again
    }
    if (Date.now() > deadline) {
      throw new GuestError(
        'BOOT_FAILED',
        `the guest agent did not answer within ${timeoutMs} ms\n${qemu.report()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** One POST to the agent. Fetch's own limits allow 5 min for the answer to start, beyond any test's exec. */
async function agentRequest<T>(qemu: QemuProcess, url: string, body: object, timeoutMs: number): Promise<T> {
  const route = new URL(url).pathname;
  const gone = qemu.exitStatus();
  if (gone !== undefined) {
    throw new GuestError('GUEST_DIED', `the guest is gone (QEMU ${gone}) before ${route}\n${qemu.report()}`);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const exitStatus = qemu.exitStatus();
    const died = exitStatus === undefined ? '' : ` (QEMU ${exitStatus})`;
    throw new GuestError(
      'GUEST_DIED',
      `no answer from the guest agent to ${route}${died}\n${qemu.report()}`,
      {
        cause: error,
      },
    );
  }
  const answer = (await response.json()) as T & { error?: string };
  if (!response.ok) {
    throw new GuestError('AGENT_ERROR', `guest agent ${route}: ${answer.error ?? String(response.status)}`);
  }
  return answer;
}
