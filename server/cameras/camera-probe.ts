import { fork } from 'node:child_process';
import type { CameraSource, MediaErrorCode, WorkerToServer } from '../../media/protocol.js';
import { AppError } from '../errors.js';
import { Semaphore } from '../lib/semaphore.js';

export interface ProbeResult {
  codec: string;
  width: number | null;
  height: number | null;
  fps: number | null;
}

/** The API allows a probe this long; the worker gets a little less so its own answer wins the race. */
export const PROBE_TIMEOUT_MS = 10_000;

const STATUS_BY_CODE: Partial<Record<MediaErrorCode, number>> = { NOT_FOUND: 404, BAD_CONFIG: 400 };

/**
 * Tries a source in a throw-away worker: codec, size and rate, or a coded error. At most two probes run at
 * once, each for at most 10 s, so the endpoint cannot be used to hammer the network.
 */
export function createCameraProber(workerPath: string) {
  const semaphore = new Semaphore(2);
  return (source: CameraSource): Promise<ProbeResult> =>
    semaphore.run(
      () =>
        new Promise<ProbeResult>((resolve, reject) => {
          const child = fork(workerPath, [], {
            serialization: 'advanced',
            stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
          });
          const finish = (outcome: () => void) => {
            clearTimeout(timer);
            child.removeAllListeners();
            if (child.exitCode === null) child.kill('SIGKILL');
            outcome();
          };
          const timer = setTimeout(() => {
            finish(() =>
              reject(new AppError('NO_VIDEO', 422, 'No video arrived from the source within 10 s.')),
            );
          }, PROBE_TIMEOUT_MS);
          child.on('message', (message: WorkerToServer) => {
            if (message.type === 'probe-result') {
              const { codec, width, height, fps } = message;
              finish(() => resolve({ codec, width, height, fps }));
            } else if (message.type === 'error') {
              finish(() =>
                reject(new AppError(message.code, STATUS_BY_CODE[message.code] ?? 422, message.message)),
              );
            }
          });
          child.on('exit', () => {
            finish(() => reject(new AppError('PIPELINE_ERROR', 422, 'The probe ended without an answer.')));
          });
          child.send({ type: 'probe', source, timeoutMs: PROBE_TIMEOUT_MS - 1_000 });
        }),
    );
}
export type CameraProber = ReturnType<typeof createCameraProber>;
