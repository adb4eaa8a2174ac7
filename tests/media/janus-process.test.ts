import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { appRoot } from '../../server/config.js';
import { JanusProcess } from '../../server/live/janus/janus-process.js';
import { freePort } from '../../server/live/janus/free-port.js';
import { captureLogger, pidsMentioning, processAlive, waitFor } from '../support/janus-media.js';

const listen = async (port: number): Promise<Server> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
};

/** The `delayMs` of every "Restarting Janus" line in a captured log. */
const restartDelays = (log: string): number[] =>
  log
    .split('\n')
    .filter((line) => line.includes('"Restarting Janus"'))
    .map((line) => (JSON.parse(line) as { delayMs: number }).delayMs);

// The supervisor on its own, against the real binary: start failures, close, and death with its owner.
describe('JanusProcess', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-janus-process-'));
    dirs.push(dir);
    return dir;
  };
  const logger = pino({ level: 'silent' });
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a start whose API never answers and leaves nothing running', async () => {
    // Janus cannot bind a port another socket holds; its HTTP transport fails and Janus exits.
    const port = await freePort();
    const blocker = await listen(port);
    const configDir = path.join(tempDir(), 'janus');
    try {
      await expect(
        JanusProcess.start({ configDir, port, logger, readyTimeoutMs: 5000 }),
      ).rejects.toMatchObject({
        code: 'JANUS_ERROR',
        statusCode: 502,
      });
      expect(await pidsMentioning(configDir)).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('rejects when the binary cannot be run', async () => {
    await expect(
      JanusProcess.start({
        configDir: path.join(tempDir(), 'janus'),
        logger,
        janusBinary: '/nonexistent/janus',
      }),
    ).rejects.toMatchObject({ code: 'JANUS_ERROR' });
  });

  it('close() sends SIGTERM, is safe twice, and reports stopped', async () => {
    const janus = await JanusProcess.start({ configDir: path.join(tempDir(), 'janus'), logger });
    const pid = janus.health().pid!;
    expect(janus.endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/janus$/);
    const began = performance.now();
    await Promise.all([janus.close(), janus.close()]);
    await janus.close();
    console.log(`close (SIGTERM) → exited: ${Math.round(performance.now() - began)} ms`);
    expect(await processAlive(pid)).toBe(false);
    expect(janus.health()).toMatchObject({ state: 'stopped', pid: null, restarts: 0 });
    expect(() => janus.endpoint).toThrow(expect.objectContaining({ code: 'JANUS_INVALID_STATE' }));
  });

  it('restarts with doubling back-off while restarts fail, then recovers', async () => {
    const configDir = path.join(tempDir(), 'janus');
    const { logger: captured, text } = captureLogger();
    const port = await freePort();
    const janus = await JanusProcess.start({
      configDir,
      port,
      logger: captured,
      backoff: { initialMs: 100, maxMs: 400 },
    });
    const died = new Promise((resolve) => janus.once('died', resolve));
    const restarted = new Promise((resolve) => janus.once('restarted', resolve));
    process.kill(janus.health().pid!, 'SIGKILL');
    await died;
    // Hold Janus's port so the next starts fail (its HTTP transport cannot bind, and Janus exits).
    const blocker = await listen(port);
    await waitFor('three failed restarts', () => restartDelays(text()).length >= 4, 10_000);
    expect(janus.health()).toMatchObject({ state: 'restarting', restarts: 1, pid: null });
    expect(janus.health().lastError).toMatch(/exited with/);
    blocker.close();
    await restarted;
    expect(janus.health()).toMatchObject({ state: 'running', restarts: 1 });
    expect(restartDelays(text()).slice(0, 4)).toEqual([100, 200, 400, 400]);
    await janus.close();
    expect(janus.health().state).toBe('stopped');
  });

  it('dies within 5 s when its owner is killed with SIGKILL (pdeathsig)', async () => {
    const owner = spawn(
      process.execPath,
      [path.join(appRoot(), 'tests/support/janus-owner.ts'), path.join(tempDir(), 'janus')],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: owner.stdout }).once('line', resolve);
      owner.once('exit', (code) => reject(new Error(`owner exited early (${String(code)})`)));
    });
    const { janusPid } = JSON.parse(line) as { janusPid: number };
    expect(await processAlive(janusPid)).toBe(true);
    const killedAt = performance.now();
    owner.kill('SIGKILL');
    await waitFor('Janus to die with its owner', async () => !(await processAlive(janusPid)), 5000);
    console.log(`owner SIGKILL → Janus gone: ${Math.round(performance.now() - killedAt)} ms`);
  });
});
