import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { FastifyBaseLogger } from 'fastify';
import { generateJanusSecrets, type JanusConfigOptions, type JanusSecrets } from './janus-config.js';
import { writeJanusConfig } from './janus-config-writer.js';
import { JanusError, JanusStateError } from './janus-errors.js';
import { janusInfo, type JanusEndpoint } from './janus-http.js';
import { freePort } from './free-port.js';

export type JanusState = 'starting' | 'running' | 'restarting' | 'stopped';

export interface JanusHealth {
  readonly state: JanusState;
  /** Janus's pid while a process exists. */
  readonly pid: number | null;
  /** Unexpected exits since start. */
  readonly restarts: number;
  /** Why the last process died or the last start failed; null if never. */
  readonly lastError: string | null;
  /** Milliseconds from spawn to the HTTP API answering, for the latest successful start. */
  readonly readyMs: number | null;
}

/** A process ended without `close()`: the owner's mountpoints and viewers are gone with it. */
export interface JanusDeath {
  readonly pid: number | null;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface JanusProcessEvents {
  died: [JanusDeath];
  /** A new process answers after a death; its endpoint (port, secret) is new. Mountpoints must be recreated. */
  restarted: [JanusEndpoint];
}

export interface JanusProcessOptions {
  /** Folder for the generated config, e.g. `<dataDir>/janus`; created 0700. */
  readonly configDir: string;
  /** Everything about the generated config but the folder, port and secrets, which the supervisor owns. */
  readonly config?: Omit<JanusConfigOptions, 'configDir' | 'port' | 'secrets'>;
  /** HTTP API port; default a free port on the bind address, chosen anew for every start. */
  readonly port?: number;
  /**
   * Argument prefix for the command, e.g. `['ip', 'netns', 'exec', name]` in tests. It must exec (not fork)
   * the rest, so the child's pid is Janus's own.
   */
  readonly commandPrefix?: readonly string[];
  /** Default /usr/bin/janus. */
  readonly janusBinary?: string;
  /** Default /usr/bin/setpriv (util-linux). */
  readonly setprivBinary?: string;
  /** Default /usr/bin/prlimit (util-linux). */
  readonly prlimitBinary?: string;
  /** How long a start may take until the HTTP API answers, ms; default 15000. */
  readonly readyTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL in `close()`, ms; default 3000. */
  readonly stopGraceMs?: number;
  /** Restart delays after unexpected exits, ms: doubling from `initialMs` (1000) to `maxMs` (30000); a process
   * that ran `resetAfterMs` (60000) resets the delay. */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number; readonly resetAfterMs?: number };
  readonly logger: FastifyBaseLogger;
}

const OUTPUT_TAIL = 40;
const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs and supervises one Janus: a generated config with fresh secrets per start, `setpriv --pdeathsig SIGKILL`
 * so Janus dies with the server even on SIGKILL, a start that succeeds only once the HTTP API answers,
 * restarts with back-off after unexpected exits (`died`, then `restarted`), and a `close()` that sends SIGTERM
 * then SIGKILL and is safe to call twice. No pid files: the child is ours.
 */
export class JanusProcess extends EventEmitter<JanusProcessEvents> {
  private readonly options: JanusProcessOptions;
  private readonly log: FastifyBaseLogger;
  private state: JanusState = 'starting';
  private child: ChildProcess | null = null;
  private current: { endpoint: JanusEndpoint; secrets: JanusSecrets } | null = null;
  private restarts = 0;
  private lastError: string | null = null;
  private readyMs: number | null = null;
  private delayMs: number;
  private restartTimer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  private tail: string[] = [];

  private constructor(options: JanusProcessOptions) {
    super();
    this.options = options;
    this.log = options.logger.child({ component: 'janus' });
    this.delayMs = options.backoff?.initialMs ?? 1000;
  }

  /** Starts Janus and resolves once its API answers; rejects (leaving nothing running) if it does not. */
  static async start(options: JanusProcessOptions): Promise<JanusProcess> {
    const janus = new JanusProcess(options);
    try {
      await janus.launch();
    } catch (error) {
      await janus.close();
      throw error;
    }
    janus.state = 'running';
    return janus;
  }

  /** The running Janus's API address and secret; they change on every restart. */
  get endpoint(): JanusEndpoint {
    if (this.current === null || this.state === 'stopped') throw new JanusStateError('Janus is not running.');
    return this.current.endpoint;
  }

  /** The Streaming plugin's admin key of the running Janus (changes on every restart). */
  get streamingAdminKey(): string {
    if (this.current === null || this.state === 'stopped') throw new JanusStateError('Janus is not running.');
    return this.current.secrets.streamingAdminKey;
  }

  /** A method, not a field test, so TypeScript does not narrow `state` across awaits. */
  private isClosed(): boolean {
    return this.state === 'stopped';
  }

  health(): JanusHealth {
    return {
      state: this.state,
      pid: this.child !== null && !exited(this.child) ? (this.child.pid ?? null) : null,
      restarts: this.restarts,
      lastError: this.lastError,
      readyMs: this.readyMs,
    };
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves once Janus has exited. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (child === null || exited(child)) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const grace = sleep(this.options.stopGraceMs ?? 3000).then(() => 'timeout' as const);
    if ((await Promise.race([gone, grace])) === 'timeout') {
      this.log.warn({ pid: child.pid }, 'Janus ignored SIGTERM; sending SIGKILL');
      child.kill('SIGKILL');
      await gone;
    }
  }

  private scrub(line: string): string {
    let text = line;
    const secrets = this.current?.secrets;
    if (secrets === undefined) return line;
    for (const secret of [secrets.apiSecret, secrets.adminSecret, secrets.streamingAdminKey])
      text = text.split(secret).join('[redacted]');
    return text;
  }

  /** Writes a fresh config, spawns Janus and waits for its API; on failure kills what it spawned. */
  private async launch(): Promise<void> {
    const config = this.options.config ?? {};
    const bind = config.httpBindAddress ?? '127.0.0.1';
    const port = this.options.port ?? (await freePort(bind));
    const secrets = generateJanusSecrets();
    const configFile = await writeJanusConfig({
      ...config,
      configDir: this.options.configDir,
      port,
      secrets,
    });
    this.current = {
      endpoint: {
        url: `http://${bind.includes(':') ? `[${bind}]` : bind}:${port}/janus`,
        apiSecret: secrets.apiSecret,
      },
      secrets,
    };
    if (this.isClosed()) throw new JanusStateError('Janus was closed while starting.');
    // Each wrapper execs the next, so the child's pid is Janus's. prlimit: no core dumps (Janus 1.1.2 can crash
    // on its way out after a failed start, and a core would hold the secrets); setpriv: die with the server.
    const argv = [
      ...(this.options.commandPrefix ?? []),
      this.options.prlimitBinary ?? '/usr/bin/prlimit',
      '--core=0',
      '--',
      this.options.setprivBinary ?? '/usr/bin/setpriv',
      '--pdeathsig',
      'SIGKILL',
      '--',
      this.options.janusBinary ?? '/usr/bin/janus',
      '-C',
      configFile,
      '-F',
      this.options.configDir,
    ];
    const [command, ...args] = argv as [string, ...string[]];
    const began = performance.now();
    this.tail = [];
    // Janus needs no environment; ours may hold secrets, so it gets none of it.
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: this.options.configDir,
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
    });
    this.child = child;
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    child.on('error', (error) => this.log.warn({ err: error }, 'Janus process error'));
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (raw) => {
        const line = this.scrub(raw);
        this.tail.push(line);
        if (this.tail.length > OUTPUT_TAIL) this.tail.shift();
        this.log.debug({ janusPid: child.pid }, line);
      });
    }
    child.once('exit', (code, signal) => this.onExit(child, code, signal, began));

    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 15_000);
    const failed = (reason: string, cause?: unknown) => {
      if (!exited(child)) child.kill('SIGKILL');
      this.lastError = reason;
      this.log.warn({ janusPid: child.pid, output: this.tail.join('\n') }, `Janus start failed: ${reason}`);
      return new JanusError(`Janus did not start: ${reason}.`, cause === undefined ? {} : { cause });
    };
    for (;;) {
      const error = await Promise.race([spawnError, sleep(50).then(() => null)]);
      if (error !== null) throw failed(`could not run ${command}`, error);
      if (this.isClosed()) throw new JanusStateError('Janus was closed while starting.');
      if (exited(child))
        throw failed(`exited with ${String(child.exitCode ?? child.signalCode)} while starting`);
      try {
        if ((await janusInfo(this.current.endpoint.url, 500)).janus === 'server_info') break;
      } catch (error) {
        if (Date.now() > deadline) throw failed('its API did not answer in time', error);
        // not listening yet: poll again until the deadline
      }
    }
    this.readyMs = Math.round(performance.now() - began);
    this.log.info({ janusPid: child.pid, port, readyMs: this.readyMs }, 'Janus is ready');
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, began: number) {
    if (child !== this.child || this.state !== 'running') {
      this.log.info({ janusPid: child.pid, code, signal }, 'Janus exited');
      return;
    }
    this.restarts++;
    this.lastError = `Janus exited unexpectedly (${signal ?? `code ${String(code)}`})`;
    this.log.error({ janusPid: child.pid, code, signal, output: this.tail.join('\n') }, this.lastError);
    const initial = this.options.backoff?.initialMs ?? 1000;
    if (performance.now() - began > (this.options.backoff?.resetAfterMs ?? 60_000)) this.delayMs = initial;
    this.state = 'restarting';
    this.emit('died', { pid: child.pid ?? null, code, signal });
    this.scheduleRestart();
  }

  private scheduleRestart() {
    if (this.state !== 'restarting') return;
    const delay = this.delayMs;
    this.delayMs = Math.min(delay * 2, this.options.backoff?.maxMs ?? 30_000);
    this.log.info({ delayMs: delay }, 'Restarting Janus');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.launch().then(
        () => {
          if (this.state !== 'restarting') return;
          this.state = 'running';
          if (this.current !== null) this.emit('restarted', this.current.endpoint);
        },
        (error: unknown) => {
          // `launch` logged why; keep trying with a longer delay until close().
          if (!(error instanceof JanusStateError)) this.scheduleRestart();
        },
      );
    }, delay);
  }
}
