import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scene-camera.py');

export interface SceneCamera {
  url(mount: '/scene' | '/busy'): string;
  /** Shows or hides the person; resolves with when the change was applied (epoch ms). */
  set(visible: boolean): Promise<number>;
  pid: number;
  stop(): void;
}

/** Starts tests/support/scene-camera.py (inside the test host, through its exec prefix) and waits for its port. */
export async function startSceneCamera(prefix: readonly string[], photo: string): Promise<SceneCamera> {
  const [command, ...args] = [...prefix, '/usr/bin/python3', SCRIPT];
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  const waiters: ((at: number) => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (let match = /^AT (\d+)\n/m.exec(output); match; match = /^AT (\d+)\n/m.exec(output)) {
      output = output.replace(match[0], '');
      waiters.shift()?.(Number(match[1]));
    }
  });
  child.stdin.write(`${JSON.stringify({ photo })}\n`);
  const deadline = Date.now() + 10_000;
  let port = 0;
  while (port === 0) {
    const match = /^PORT (\d+)$/m.exec(output);
    if (match) port = Number(match[1]);
    else if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`scene camera failed: ${output}`);
    else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: (mount) => `rtsp://127.0.0.1:${port}${mount}`,
    set: (visible) =>
      new Promise((resolve) => {
        waiters.push(resolve);
        child.stdin.write(visible ? 'show\n' : 'hide\n');
      }),
    pid: child.pid ?? 0,
    stop: () => child.stdin.end(),
  };
}
