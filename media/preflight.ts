import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { CameraSource, MediaErrorCode } from './protocol.js';

export interface Problem {
  code: MediaErrorCode;
  message: string;
}

/**
 * Checks that a file or device source exists before any pipeline is made. v4l2src fails while the pipeline is
 * still NULL, and gstreamer-superficial's bus poll stops at NULL, so that error would never be seen; a plain
 * stat gives the same answer sooner and with a clearer message.
 */
export async function preflight(source: CameraSource): Promise<Problem | null> {
  if (source.kind !== 'file' && source.kind !== 'v4l2') return null;
  const path = source.kind === 'file' ? source.path : source.device;
  const what = source.kind === 'file' ? 'video file' : 'video device';
  try {
    const info = await stat(path);
    const right = source.kind === 'file' ? info.isFile() : info.isCharacterDevice();
    if (!right) return { code: 'NOT_FOUND', message: `${path} is not a ${what}` };
    await access(path, constants.R_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return { code: 'NOT_FOUND', message: `${what} ${path} not found` };
    return { code: 'PIPELINE_ERROR', message: `cannot read ${what} ${path} (${code ?? 'unknown error'})` };
  }
}
