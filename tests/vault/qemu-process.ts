// One running qemu-system-x86_64: its serial console, its stderr, and how it ended.
import { spawn } from 'node:child_process';

export interface QemuProcess {
  /** What the guest wrote to its serial console so far. */
  serial(): string;
  /** QEMU's stderr and the end of the serial console, for error messages. */
  report(): string;
  /** How QEMU ended ("status 0", "SIGKILL", "not started: …"), or undefined while it runs. */
  exitStatus(): string | undefined;
  /** Resolves once QEMU has ended, however it ended. */
  exited: Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

function tail(text: string, chars = 6000): string {
  return text.length > chars ? `…${text.slice(-chars)}` : text;
}

/** Starts QEMU with the serial console on its stdout (`-serial stdio`). */
export function startQemu(args: string[]): QemuProcess {
  // setpriv execs QEMU with a parent-death signal: when the test process dies, however it dies, so does the guest.
  const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', 'qemu-system-x86_64', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let serial = '';
  let stderr = '';
  let exitStatus: string | undefined;
  child.stdout.on('data', (chunk: Buffer) => (serial += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = signal ?? `status ${code ?? '?'}`;
      resolve();
    });
    child.once('error', (error) => {
      exitStatus = `not started: ${error.message}`;
      resolve();
    });
  });
  return {
    serial: () => serial,
    report: () => `QEMU stderr:\n${tail(stderr)}\nserial console:\n${tail(serial)}`,
    exitStatus: () => exitStatus,
    exited,
    kill: async () => {
      if (exitStatus === undefined) child.kill('SIGKILL');
      await exited;
    },
  };
}
