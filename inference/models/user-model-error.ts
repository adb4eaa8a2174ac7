/** Why a user's ONNX detector was refused: a stable code, and a message saying what was expected and found. */
export type UserModelErrorCode =
  'MODEL_INVALID' | 'MODEL_TOO_LARGE' | 'MODEL_SHAPE_MISMATCH' | 'MODEL_LABELS_MISMATCH' | 'MODEL_TIMEOUT';

export class UserModelError extends Error {
  constructor(
    readonly code: UserModelErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UserModelError';
  }
}
