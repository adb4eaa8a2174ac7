// The guest agent: runs as root inside the vault test guest (started by root-init.sh with the host's node, which
// the guest sees through the 9p root) and lets tests/vault/guest.ts run programs there over HTTP+JSON.
// tests/vault/guest.ts strips the types into .runtime/guest/agent.mjs before each boot; the guest runs that file.
import { spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { constants } from 'node:os';
import type { ExecRequest, ExecResult, GuestUser, KillRequest, SpawnRequest } from '../guest-protocol.js';

/** Each output stream of an exec is cut here: the guest has 1 GiB and tests never need more. */
const OUTPUT_LIMIT = 16 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_BODY = 16 * 1024 * 1024;

class BadRequest extends Error {}

interface Account {
  uid: number;
  gid: number;
  home: string;
}

/** From /etc/passwd at request time: root-init.sh adds `vigil` before the agent starts. */
function account(user: GuestUser): Account {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [name, , uid, gid, , home] = line.split(':');
    if (name === user) return { uid: Number(uid), gid: Number(gid), home: home ?? '/' };
  }
  throw new BadRequest(`no user ${user} in /etc/passwd`);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string');
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((item) => typeof item === 'string')
  );
}

/** Checks the fields every command request shares and turns them into spawn options. */
function commandOptions(body: Record<string, unknown>): { argv: string[]; options: SpawnOptions } {
  const { argv, env, user = 'root' } = body;
  if (!isStringArray(argv)) throw new BadRequest('argv must be a non-empty array of strings');
  if (env !== undefined && !isStringRecord(env)) throw new BadRequest('env must map names to strings');
  if (user !== 'root' && user !== 'vigil') throw new BadRequest("user must be 'root' or 'vigil'");
  const who = account(user);
  // uid/gid in spawn (libuv also drops supplementary groups) instead of setpriv: one exec less, ~0.2 s under TCG.
  return {
    argv,
    options: {
      uid: who.uid,
      gid: who.gid,
      cwd: user === 'root' ? '/' : who.home,
      // A clean environment, as sudo and systemd give one: the agent's own (kernel command line) stays out.
      env: {
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        HOME: who.home,
        USER: user,
        LOGNAME: user,
        ...env,
      },
      // Its own process group, so a timeout kills the command's children too.
      detached: true,
    },
  };
}

function exec(body: Record<string, unknown>): Promise<ExecResult> {
  const { argv, options } = commandOptions(body);
  const { stdin = '', timeoutMs = DEFAULT_TIMEOUT_MS } = body as Partial<ExecRequest>;
  if (typeof stdin !== 'string') throw new BadRequest('stdin must be a string');
  if (typeof timeoutMs !== 'number' || timeoutMs <= 0) {
    throw new BadRequest('timeoutMs must be a positive number');
  }
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '' };
    const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (out[stream].length < OUTPUT_LIMIT) out[stream] += chunk.toString('utf8');
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group ended between the deadline and the kill: 'close' reports how
      }
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout: out.stdout, stderr: `${out.stderr}agent: ${error.message}\n` });
    });
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      const code = status ?? 128 + (signal === null ? 0 : constants.signals[signal]);
      const note = timedOut ? `agent: killed after ${timeoutMs} ms\n` : '';
      resolve({ code, stdout: out.stdout, stderr: out.stderr + note });
    });
    // A program that exits without reading its stdin closes the pipe under us: not an error for the request.
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });
}

function spawnBackground(body: Record<string, unknown>): { pid: number } {
  const { argv, options } = commandOptions(body);
  const { logFile } = body as Partial<SpawnRequest>;
  if (typeof logFile !== 'string' || !logFile.startsWith('/')) {
    throw new BadRequest('logFile must be an absolute path');
  }
  const log = openSync(logFile, 'a', 0o644);
  try {
    const child = spawn(argv[0]!, argv.slice(1), { ...options, stdio: ['ignore', log, log] });
    child.on('error', (error) => console.error(`agent: ${argv[0]}: ${error.message}`));
    child.unref();
    if (child.pid === undefined) throw new BadRequest(`cannot start ${argv[0]!}`);
    return { pid: child.pid };
  } finally {
    closeSync(log);
  }
}

function kill(body: Record<string, unknown>): Record<string, never> {
  const { pid, signal = 'SIGTERM' } = body as Partial<KillRequest>;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 1) {
    throw new BadRequest('pid must be a process id');
  }
  try {
    process.kill(pid, signal);
  } catch (error) {
    throw new BadRequest(`kill ${pid}: ${(error as Error).message}`);
  }
  return {};
}

function shutdown(): void {
  // After the answer is out: sync the guest's page cache, then ACPI power-off (QEMU exits with status 0).
  setTimeout(() => spawn('/bin/busybox', ['sh', '-c', 'sync; poweroff -f'], { stdio: 'inherit' }), 50);
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > MAX_BODY) throw new BadRequest('request body too large');
  }
  const body: unknown = text === '' ? {} : JSON.parse(text);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest('body must be an object');
  }
  return body as Record<string, unknown>;
}

async function route(request: IncomingMessage): Promise<unknown> {
  const key = `${request.method ?? ''} ${request.url ?? ''}`;
  if (key === 'GET /health') return { ok: true };
  const body = await readJson(request);
  switch (key) {
    case 'POST /exec':
      return exec(body);
    case 'POST /spawn':
      return spawnBackground(body);
    case 'POST /kill':
      return kill(body);
    case 'POST /shutdown':
      shutdown();
      return {};
    default:
      throw new BadRequest(`no route ${key}`);
  }
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const port = Number(process.env.VIGIL_AGENT_PORT);
const server = createServer((request, response) => {
  route(request).then(
    (body) => answer(response, 200, body),
    (error: unknown) => {
      const bad = error instanceof BadRequest || error instanceof SyntaxError;
      answer(response, bad ? 400 : 500, { error: error instanceof Error ? error.message : String(error) });
    },
  );
});
// A long exec holds its request open; Node's default 5 min request timeout would cut a slow mkfs short.
server.requestTimeout = 0;
server.listen(port, '0.0.0.0', () => console.log(`vigil-guest: agent listening on ${port}`));
