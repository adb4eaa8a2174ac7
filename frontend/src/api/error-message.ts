// The one place that turns a failure into a sentence for the user. Known codes get our wording; unknown
// codes fall back to the server's message, then to a generic sentence per status. HTTP failures (ApiError)
// and live-socket failures (LiveError) share the codes and the wording.
import { formatWait } from '../lib/format';
import { ApiError } from './client';
import { LiveError } from './live-error';
import type { ClientErrorCode, ServerErrorCode } from './types';

/** Shown when nothing better is known. */
export const GENERIC_ERROR_MESSAGE = 'Something went wrong. Please try again.';

const SESSION_ENDED = 'Your session has ended. Please sign in again.';
const NO_PERMISSION = "You don't have permission to do that.";
const SERVER_PROBLEM =
  "The server ran into a problem. Try again; if it keeps happening, check the server's log.";

/** A failure with a stable code. */
type CodedError = ApiError | LiveError;
/** Every code this client has wording for. */
export type KnownErrorCode = ServerErrorCode | ClientErrorCode;

type MessageFor = string | ((err: CodedError) => string);

function withServerDetail(prefix: string, err: CodedError): string {
  const detail = err.message.trim();
  return detail === '' ? prefix : `${prefix} ${detail}`;
}

/** The server's own sentence when it sent one (they are written for users), else ours. */
function serverOr(fallback: string): (err: CodedError) => string {
  return (err) => (err.message.trim() === '' ? fallback : err.message);
}

// A mapped type, so adding a code to ServerErrorCode or ClientErrorCode without a message fails to compile.
const MESSAGES: { readonly [Code in KnownErrorCode]: MessageFor } = {
  VALIDATION_FAILED: (err) => withServerDetail('Some values were not accepted.', err),
  WEAK_PASSWORD: (err) =>
    err.message.trim() === '' ? 'That password is too weak. Choose a longer one.' : err.message,
  UNAUTHENTICATED: SESSION_ENDED,
  INVALID_CREDENTIALS: 'Wrong user name or password.',
  WRONG_PASSWORD: 'Your current password is not correct.',
  FORBIDDEN: NO_PERMISSION,
  ORIGIN_MISMATCH:
    'The request was refused because it came from a different address than the server expects. Reload the page and try again.',
  SETUP_TOKEN_REQUIRED:
    "This server is not being set up from the machine itself. Open the setup link printed in the server's console.",
  NOT_FOUND: 'That item no longer exists. It may have been removed by someone else.',
  SETUP_ALREADY_DONE: 'Vigil has already been set up. Sign in with an existing account.',
  USERNAME_TAKEN: 'That user name is already taken. Choose another one.',
  LAST_ADMIN: "The last admin can't be removed, demoted or disabled. Make another user an admin first.",
  TOO_MANY_ATTEMPTS: (err) =>
    err instanceof ApiError && err.retryAfterSeconds !== undefined
      ? `Too many attempts. Try again in ${formatWait(err.retryAfterSeconds)}.`
      : 'Too many attempts. Wait a while, then try again.',
  INTERNAL: SERVER_PROBLEM,
  WRONG_PASSPHRASE: 'That passphrase does not open the vault.',
  // Either another vault operation is running, or processes still use the volume (the server names them).
  VAULT_BUSY: serverOr('The vault is busy. Try again in a moment.'),
  VAULT_LOCKED: 'The vault is locked. An admin has to unlock it first.',
  VAULT_UNLOCKED: 'The vault is already unlocked.',
  VAULT_ABSENT: 'There is no vault yet. An admin has to create one first.',
  VAULT_UNAVAILABLE: serverOr('The vault is unavailable on this server.'),
  DM_UNAVAILABLE:
    "This server's kernel has no device-mapper (dm-crypt), so the encrypted vault cannot be opened here.",
  CONFIRMATION_MISMATCH: 'The device path you typed does not match. Type it exactly as shown.',
  DEVICE_NOT_EMPTY: (err) =>
    withServerDetail('The device is not empty.', err) +
    ' Creating the vault there would erase what it holds.',
  MOUNTPOINT_NOT_EMPTY: serverOr("The vault's mount point is not empty. Check the server."),
  LAST_KEY_SLOT: "This is the vault's last passphrase. Add another one before removing it.",
  NO_SUCH_SLOT: 'That key slot is no longer in use. It may have been removed by someone else.',
  BAD_PASSPHRASE: 'Passphrases have 1 to 512 characters and no control characters such as line breaks.',
  FSCK_FAILED:
    "The vault's file system has errors that need a manual check (e2fsck) before it can be unlocked.",
  NOT_CONFIGURED: 'The vault helper is not configured on this server (/etc/vigil/vaultctl.conf).',
  HELPER_UNAVAILABLE: serverOr('The vault helper is not available on this server.'),
  NOT_SUPPORTED: serverOr('The development vault does not support that.'),
  ALREADY_EXISTS: 'Something with that name is already there. Choose another name.',
  NOT_A_FOLDER: 'That is a file, not a folder.',
  NOT_A_FILE: 'Only files can be downloaded this way. Download folders as a zip.',
  ROOT_REFUSED: 'The top folder itself cannot be renamed, moved or deleted.',
  INVALID_MOVE: 'A folder cannot go into itself.',
  INVALID_NAME: serverOr('That name is not allowed.'),
  INVALID_PATH: serverOr('That path is not valid.'),
  SYMLINK_REFUSED: 'That path goes through a symbolic link, which Vigil never follows.',
  INSUFFICIENT_STORAGE: 'The vault is full. Free some space, then try again.',
  // The server names the size limit.
  PAYLOAD_TOO_LARGE: serverOr('That file is larger than this server accepts.'),
  UPLOAD_EXPIRED: 'The unfinished upload expired on the server. Upload the file again.',
  READ_ONLY: serverOr('Recordings can only be browsed and downloaded here; retention removes them.'),
  INVALID_SOURCE: serverOr('That camera source is not valid. Check the fields and try again.'),
  AUTH_FAILED: 'The camera refused the user name or password.',
  UNREACHABLE:
    'The camera could not be reached. Check the address, and that the camera is switched on and on this network.',
  NO_VIDEO: 'The source answered but sent no video within 10 seconds.',
  UNSUPPORTED_CODEC:
    "The camera sends video in a format Vigil can't decode. Set its stream to H.264 in the camera's own settings.",
  PIPELINE_ERROR: (err) => withServerDetail("The camera's video could not be processed.", err),
  BAD_CONFIG: (err) => withServerDetail('The camera settings were not accepted.', err),
  MEDIA_UNAVAILABLE:
    "Vigil's media service is not running, so cameras can't be used right now. Check the server's log.",
  NO_FRAME: 'The camera has not delivered a picture yet.',
  NO_PICTURE: 'The camera stopped sending pictures. Vigil keeps waiting for it and reconnects on its own.',
  // The server's sentences name the label, zone or rate at fault.
  UNKNOWN_LABEL: serverOr('One of the labels is not something the detector knows.'),
  NO_LABELS: 'Choose at least one thing to detect, or switch the camera to motion only.',
  SCORE_FOR_UNTRACKED_LABEL: serverOr('There is a minimum score for something that is not detected.'),
  INVALID_ZONE_NAME: serverOr('Every zone needs a name of visible characters.'),
  DUPLICATE_ZONE_NAME: serverOr('Two zones have the same name: give each its own.'),
  INVALID_POLYGON: serverOr('A zone or mask encloses no area: move its corners apart.'),
  IDLE_FPS_ABOVE_FPS: 'The rate while nothing moves must not be above the rate while something moves.',
  // The server's sentence says what is wrong with the span (backwards, or longer than it serves at once).
  BAD_RANGE: serverOr('That stretch of time cannot be shown. Choose a shorter one.'),
  NO_RECORDINGS: 'Nothing was recorded by this camera in that range. Choose a range over the bars.',
  EXPORT_BUSY: 'Several exports are already under way. Try again when one of them is done.',
  EXPORTS_NOT_A_FOLDER:
    'Exports go into the folder “Exports” in Files, and something that is not a folder has that name. Rename it, then try again.',
  EXPORT_FAILED:
    "The recording could not be made into an MP4. If it keeps happening, check the server's log.",
  FACE_NAME_TAKEN: 'Someone already has that name. Choose another, or add the face to that person instead.',
  NO_FACE: 'No face was found in that photo. Use a sharp photo where the face is clearly visible.',
  BAD_IMAGE: 'That file could not be read as a JPEG photo.',
  IMAGE_TOO_LARGE: 'That photo has too many pixels. Use one of at most 4096 × 4096.',
  DETECTION_UNAVAILABLE: serverOr('Face recognition is not running on this server right now.'),
  TOO_MANY_SAMPLES: serverOr('This person has as many samples as Vigil keeps. Remove one first.'),
  SAME_FACE: 'Choose another person to merge into.',
  NO_CROP: 'The picture of this face is not available.',
  CAMERA_NOT_FOUND: 'That camera no longer exists. It may have been removed by an admin.',
  CAMERA_OFFLINE: 'The camera is offline right now. Vigil keeps trying to reach it.',
  SFU_UNAVAILABLE: 'The live video service is not running right now. Vigil keeps trying.',
  JANUS_ERROR: 'The live video service ran into a problem. Vigil keeps trying.',
  TOO_MANY_STREAMS: 'Too many cameras are open at once in this browser tab.',
  LIVE_SESSION_NOT_FOUND: 'The live session has already ended.',
  INVALID_MESSAGE: 'The server did not understand this page. Reload it: Vigil may have been updated.',
  UNKNOWN_MESSAGE: 'The server did not understand this page. Reload it: Vigil may have been updated.',
  NETWORK_ERROR: 'The server could not be reached. Check your connection and try again.',
  TIMEOUT: 'The server took too long to answer. Try again in a moment.',
  BAD_RESPONSE: 'The server sent an unexpected answer. Reload the page and try again.',
  LIVE_DISCONNECTED: 'The live connection to the server dropped. Vigil reconnects on its own.',
  WEBRTC_UNSUPPORTED: "This browser can't play live video (it has no WebRTC).",
  WEBRTC_FAILED:
    'Live video could not connect. A firewall or VPN between this device and Vigil may be blocking it.',
};

function isKnownCode(code: string): code is keyof typeof MESSAGES {
  return Object.hasOwn(MESSAGES, code);
}

function fallbackForStatus(status: number): string {
  if (status === 401) return SESSION_ENDED;
  if (status === 403) return NO_PERMISSION;
  if (status >= 500) return SERVER_PROBLEM;
  return GENERIC_ERROR_MESSAGE;
}

/**
 * The sentence for a code and message that arrived as data rather than as a failure, e.g. a camera's
 * `problem`: ours for known codes, else the server's message, else the generic one.
 */
export function codedMessage(code: string, message: string): string {
  return errorMessage(new LiveError(code, message));
}

/**
 * A friendly, complete sentence describing `err`, whatever was thrown. `overrides` words a code for one
 * context where the general sentence would mislead (e.g. NOT_FOUND while testing a camera source).
 */
export function errorMessage(err: unknown, overrides: Partial<Record<KnownErrorCode, string>> = {}): string {
  if (!(err instanceof ApiError) && !(err instanceof LiveError)) return GENERIC_ERROR_MESSAGE;
  if (isKnownCode(err.code)) {
    const message = overrides[err.code] ?? MESSAGES[err.code];
    return typeof message === 'string' ? message : message(err);
  }
  const serverMessage = err.message.trim();
  if (serverMessage !== '') return serverMessage;
  return err instanceof ApiError ? fallbackForStatus(err.status) : GENERIC_ERROR_MESSAGE;
}
