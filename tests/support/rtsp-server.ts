import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's python3 has python3-gi and the RTSP server typelib; a pyenv python3 earlier on PATH has neither. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rtsp-server.py');

export interface RtspServer {
  port: number;
  /** The server's own pid (an `ip netns exec` prefix execs into it). */
  pid: number;
  /** rtsp://127.0.0.1:<port><mount>, mount one of /h264, /h265, /mjpeg, and /clip when started with a clip. */
  url(mount: '/h264' | '/h265' | '/mjpeg' | '/h264-aac' | '/h264-pcma' | '/clip'): string;
  output(): string;
  /**
   * Freezes the server (SIGSTOP): connections stay open and nothing is sent, like a camera that hangs while
   * its network is fine. `resume()` (SIGCONT) lets it go on where it stopped.
   */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** Sends OPTIONS and resolves with the status line (a 401 also proves the server answers). */
function rtspOptions(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(2_000, () => socket.destroy(new Error('RTSP OPTIONS timed out')));
    socket.on('connect', () =>
      socket.write(`OPTIONS rtsp://127.0.0.1:${port}/h264 RTSP/1.0\r\nCSeq: 1\r\n\r\n`),
    );
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.split('\r\n')[0] ?? '');
      }
    });
    socket.on('error', reject);
  });
}

/**
 * Starts gst-rtsp-server (tests/support/rtsp-server.py) on a kernel-chosen loopback port and waits until it
 * answers RTSP. With `credentials`, every mount requires HTTP basic auth; they go to the script on stdin.
 * The script exits when its stdin closes, so it dies with the test process even without stop().
 */
export async function startRtspServer(
  credentials?: { user: string; password: string },
  /** Run inside a test host (its exec prefix) and/or on a fixed port, so a test can restart the camera. */
  where: { prefix?: readonly string[]; port?: number } = {},
  /**
   * `clip`: an H.264 byte-stream file served at /clip in a loop at `fps` (default 30), passed through as it is
   * (no encoder runs): a camera at sizes this machine could not encode live.
   */
  media: { clip?: string; fps?: number } = {},
): Promise<RtspServer> {
  const [command, ...args] = [...(where.prefix ?? []), PYTHON, SCRIPT];
  const child: ChildProcess = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin?.write(
    `${JSON.stringify({ ...credentials, ...(where.port === undefined ? {} : { port: where.port }), ...media })}\n`,
  );

  const deadline = Date.now() + 10_000;
  let port = 0;
  while (port === 0) {
    const match = /^PORT (\d+)$/m.exec(output);
    if (match) port = Number(match[1]);
    else if (child.exitCode !== null)
      throw new Error(`rtsp-server.py exited (${child.exitCode}):\n${output}`);
    else if (Date.now() > deadline) throw new Error(`rtsp-server.py did not report a port:\n${output}`);
    else await new Promise((r) => setTimeout(r, 50));
  }
  // Inside a namespace its loopback is not ours to probe; the printed port means it listens.
  for (; where.prefix === undefined;) {
    try {
      const status = await rtspOptions(port);
      if (/^RTSP\/1\.0 (200|401)/.test(status)) break;
      throw new Error(`unexpected answer ${status}`);
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`rtsp-server.py does not answer: ${String(error)}\n${output}`, { cause: error });
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    port,
    pid: child.pid ?? 0,
    url: (mount) => `rtsp://127.0.0.1:${port}${mount}`,
    output: () => output,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT'); // a paused server could not read the closing stdin
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin?.end();
      const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(kill);
    },
  };
}
