import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { appRoot } from '../../server/config.js';
import { freePort } from '../../server/live/janus/free-port.js';
import { TEST_ENV } from './test-app.js';

export interface ServerProcess {
  url: string;
  dataDir: string;
  /** The server's own pid (not a wrapper's). */
  pid: number;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts the built server (dist/, as `npm run serve` does) on a free loopback port with a fresh data dir. */
export async function startBuiltServer(
  env: Record<string, string> = {},
  scheme: 'http' | 'https' = 'http',
  /** Run inside a test host: the namespace's exec prefix and the address the server is reached at there. */
  where: { prefix: readonly string[]; host: string } = { prefix: [], host: '127.0.0.1' },
): Promise<ServerProcess> {
  // Inside a fresh namespace every port is free; outside, the kernel picks one.
  const port = where.prefix.length > 0 ? 18080 : await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-e2e-'));
  let output = '';
  const [command, ...args] = [...where.prefix, process.execPath, path.join(appRoot(), 'dist/server/main.js')];
  const child: ChildProcess = spawn(command, args, {
    env: {
      ...process.env,
      ...TEST_ENV,
      // Cameras (Janus, workers) only where a test asks for them.
      VIGIL_MEDIA: 'off',
      PORT: String(port),
      HOST: where.host,
      VIGIL_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `${scheme}://${where.host}:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    try {
      // Over HTTPS the certificate is self-signed: readiness only needs the port to answer.
      if (scheme === 'https' ? /Vigil .* is running/.test(output) : (await fetch(`${url}/api/health`)).ok)
        break;
    } catch {
      // not listening yet: poll again until the deadline
    }
    if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dataDir,
    pid: child.pid ?? 0,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
