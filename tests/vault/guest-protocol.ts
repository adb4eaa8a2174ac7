// The HTTP+JSON protocol between tests/vault/guest.ts (host) and tests/vault/guest/agent.ts (inside the guest).
// Types only: the agent runs under Node's type stripping, where a type-only import costs nothing.

/** The TCP port the agent listens on inside the guest; QEMU forwards a free host port to it. */
export const AGENT_PORT = 7000;

/** Who runs a command: root, or the unprivileged `vigil` account (uid 990) the server runs as. */
export type GuestUser = 'root' | 'vigil';

/** `POST /exec`: run a program to completion. */
export interface ExecRequest {
  /** Program and arguments; no shell is involved (use `['sh', '-c', …]` for one). */
  argv: string[];
  /** Added to a clean environment of PATH, HOME, USER and LOGNAME (of `user`). Default: none. */
  env?: Record<string, string>;
  /** Written to the program's stdin, then closed (UTF-8). Secrets go here, never into argv. Default: empty. */
  stdin?: string;
  /** Default: 'root'. */
  user?: GuestUser;
  /** Milliseconds before the program and its process group get SIGKILL. Default: 120 000. */
  timeoutMs?: number;
}

/** The result of `POST /exec`. */
export interface ExecResult {
  /** Exit status; 128 + signal number when a signal ended it (as a shell reports it), 127 when it did not start. */
  code: number;
  /** UTF-8 output, each stream cut at 16 MiB. */
  stdout: string;
  stderr: string;
}

/** `POST /spawn`: start a program in the background, in its own session. */
export interface SpawnRequest {
  argv: string[];
  /** As in ExecRequest. */
  env?: Record<string, string>;
  /** Default: 'root'. */
  user?: GuestUser;
  /** Absolute guest path (e.g. under /tmp) that receives stdout and stderr, appended. */
  logFile: string;
}

/** The result of `POST /spawn`: the program's own pid (no wrapper in between). */
export interface SpawnResult {
  pid: number;
}

/** `POST /kill`: send a signal to a pid. */
export interface KillRequest {
  pid: number;
  /** Default: 'SIGTERM'. */
  signal?: NodeJS.Signals;
}

/** Body of every non-2xx answer. */
export interface AgentError {
  error: string;
}
