/**
 * Runs model-probe.ts in a child process with a deadline: the answer, or a UserModelError when onnxruntime
 * refused the file (MODEL_INVALID, with its message), crashed on it (MODEL_INVALID, with the signal) or did not
 * finish in time (MODEL_TIMEOUT; the child is killed).
 */
import { fork } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProbeAnswer, ProbeRequest } from './model-probe.js';
import { UserModelError } from './user-model-error.js';

/** 30 s: a detector that takes longer to open and run once would not keep up with a camera either. */
export const PROBE_TIMEOUT_MS = 30_000;
/** onnxruntime's messages can quote whole node lists; the user needs the start. */
const MAX_MESSAGE = 600;

/** The compiled probe beside this module, or its source when this module runs from source (tests). */
const PROBE = fileURLToPath(
  new URL(`./model-probe${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

export type ProbedModel = Extract<ProbeAnswer, { ok: true }>;

export function probeModel(
  file: string,
  input: ProbeRequest['input'],
  timeoutMs: number,
): Promise<ProbedModel> {
  return new Promise((resolve, reject) => {
    const child = fork(PROBE, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let answer: ProbeAnswer | null = null;
    let stderr = '';
    let timedOut = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (message: ProbeAnswer) => {
      answer = message;
    });
    child.on('error', (failure) => {
      clearTimeout(timer);
      reject(new UserModelError('MODEL_INVALID', `the model check could not start: ${failure.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const got = answer;
      if (timedOut) {
        reject(
          new UserModelError(
            'MODEL_TIMEOUT',
            `expected onnxruntime to open the model and run it once within ${timeoutMs / 1000} s, found it still busy: the check was stopped`,
          ),
        );
      } else if (got?.ok) {
        resolve(got);
      } else if (got) {
        reject(
          new UserModelError(
            'MODEL_INVALID',
            `onnxruntime refused the model: ${got.message.slice(0, MAX_MESSAGE)}`,
          ),
        );
      } else {
        const how = signal ? `signal ${signal}` : `exit code ${String(code)}`;
        const detail = stderr.trim().split('\n').slice(-3).join(' ').slice(0, MAX_MESSAGE);
        reject(
          new UserModelError(
            'MODEL_INVALID',
            `onnxruntime crashed opening the model (${how})${detail ? `: ${detail}` : ''}`,
          ),
        );
      }
    });
    child.send({ file, input } satisfies ProbeRequest);
  });
}
