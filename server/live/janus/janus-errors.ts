import { AppError } from '../../errors.js';

/** Janus core error codes we act on (janus/apierror.h). */
export const JANUS_CODE = {
  /** The session does not exist (expired, or Janus restarted). */
  sessionNotFound: 458,
  /** The handle does not exist. */
  handleNotFound: 459,
  /** Wrong or missing api_secret. */
  unauthorized: 403,
} as const;

/** Streaming plugin error codes we act on (plugins/janus_streaming.c); they overlap the core's numbers. */
export const STREAMING_CODE = {
  noSuchMountpoint: 455,
  cantCreate: 456,
} as const;

/**
 * Anything that went wrong talking to or running Janus. The message is safe to show and never holds a
 * secret. `janusCode` is the Janus core's error code and `pluginCode` the plugin's, when Janus sent one.
 */
export class JanusError extends AppError {
  readonly janusCode: number | undefined;
  readonly pluginCode: number | undefined;

  constructor(message: string, options: { janusCode?: number; pluginCode?: number; cause?: unknown } = {}) {
    super('JANUS_ERROR', 502, message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'JanusError';
    this.janusCode = options.janusCode;
    this.pluginCode = options.pluginCode;
  }
}

/** Misuse of a closed or not yet started object (mediasoup's InvalidStateError): a bug in the caller. */
export class JanusStateError extends AppError {
  constructor(message: string) {
    super('JANUS_INVALID_STATE', 500, message);
    this.name = 'JanusStateError';
  }
}

/** A Janus setting that cannot work (for example a loopback ICE interface); found before Janus starts. */
export class JanusConfigError extends AppError {
  constructor(message: string) {
    super('JANUS_CONFIG_INVALID', 500, message);
    this.name = 'JanusConfigError';
  }
}
