/** Stable codes the converter refuses a model with; `npm run models` prints them with the node or weight at fault. */
export type ConvertErrorCode =
  | 'MODEL_JSON_INVALID'
  | 'WEIGHTS_TRUNCATED'
  | 'UNSUPPORTED_DTYPE'
  | 'UNSUPPORTED_OP'
  | 'UNSUPPORTED_ATTR'
  | 'MISSING_INPUT';

export class ConvertError extends Error {
  readonly code: ConvertErrorCode;
  constructor(code: ConvertErrorCode, message: string) {
    super(message);
    this.name = 'ConvertError';
    this.code = code;
  }
}
