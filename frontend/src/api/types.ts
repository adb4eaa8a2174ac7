// Wire types of the server's HTTP and WebSocket API, taken (types only) from the server's TypeBox schemas, so the
// client cannot drift from what the server validates and sends.

import type { Static } from 'typebox';
import type { AuditEntrySchema, AuditPageSchema } from '../../../server/audit/audit.schemas';
import type { ChangePasswordBody, LoginBody, SetupBody } from '../../../server/auth/auth.schemas';
import type {
  CameraCreateBody,
  CameraPatchBody,
  CameraProbeBody,
  CameraSchema,
  ProbeResultSchema,
} from '../../../server/cameras/cameras.schemas';
import type {
  CopyResult,
  DeleteBody,
  DeleteResult,
  EmptyResult,
  FileEntrySchema,
  ListingSchema,
  ListQuery,
  MoveResult,
  PathBody,
  PathEntrySchema,
  RenameBody,
  RestoreBody,
  RestoreResult,
  TransferBody,
  TrashEntrySchema,
  TrashListSchema,
} from '../../../server/files/files.schemas';
import type { UploadQuery } from '../../../server/files/uploads/uploads.schemas';
import type { HealthSchema } from '../../../server/health/health.schemas';
import type { RoleSchema } from '../../../server/http/schemas';
import type {
  CreateUserBody,
  MeSchema,
  UpdateUserBody,
  UserSchema,
} from '../../../server/users/users.schemas';
import type {
  AddKeyBody,
  CreateBody,
  CreatedVault as CreatedVaultSchema,
  KeySlotsSchema,
  LockBody,
  PasswordBody,
  RemoveKeyBody,
  SlotAnswer,
  UnlockBody,
  VaultStatusSchema,
} from '../../../server/vault/vault.schemas';
import type {
  IceCandidate,
  LiveAnswerMessage,
  LiveCandidateMessage,
  LiveEndReason,
  LiveStopMessage,
  LiveWatchMessage,
  PingMessage,
  ServerMessage,
} from '../../../server/ws/protocol';

/** A user's role: viewer < editor < admin. */
export type Role = Static<typeof RoleSchema>;
/** GET /api/health (public). */
export type Health = Static<typeof HealthSchema>;
/** The signed-in user, as returned by login and GET /api/auth/me. */
export type SessionUser = Static<typeof MeSchema>;
/** A user as listed and edited by an admin. */
export type User = Static<typeof UserSchema>;
/** POST /api/setup. */
export type SetupRequest = Static<typeof SetupBody>;
/** POST /api/auth/login. */
export type LoginRequest = Static<typeof LoginBody>;
/** POST /api/auth/password. */
export type ChangePasswordRequest = Static<typeof ChangePasswordBody>;
/** POST /api/users. */
export type CreateUserRequest = Static<typeof CreateUserBody>;
/** PATCH /api/users/:id: only the given fields change. */
export type UpdateUserRequest = Static<typeof UpdateUserBody>;
/** One line of the audit log. */
export type AuditEntry = Static<typeof AuditEntrySchema>;
/** GET /api/audit. */
export type AuditPage = Static<typeof AuditPageSchema>;

/** A camera with its live state, as listed by GET /api/cameras. Credentials are write-only: only `hasCredentials`. */
export type Camera = Static<typeof CameraSchema>;
/** rtsp: network camera; v4l2: USB camera; file: a video in the media folder; test: synthetic pattern. */
export type CameraKind = Camera['kind'];
/** What the camera's worker is doing: starting | live | offline | error | disabled. */
export type CameraStatus = Camera['status'];
/** POST /api/cameras. */
export type CreateCameraRequest = Static<typeof CameraCreateBody>;
/** PATCH /api/cameras/:id: omitted fields are kept; `username`/`password` null clears them. */
export type UpdateCameraRequest = Static<typeof CameraPatchBody>;
/** POST /api/cameras/probe: the source fields of a camera that is not saved yet. */
export type ProbeCameraRequest = Static<typeof CameraProbeBody>;
/** What a probe found: codec, and size and rate when the source reports them. */
export type ProbeResult = Static<typeof ProbeResultSchema>;

/** GET /api/vault: what the vault is; `details` only for admins (null for other roles). */
export type VaultStatus = Static<typeof VaultStatusSchema>;
/** absent: no vault yet; locked; unlocked: open and mounted; unavailable: this server cannot run one. */
export type VaultState = VaultStatus['state'];
/** The admin's view of the volume; nulls where the backend or the state has no answer. */
export type VaultDetails = NonNullable<VaultStatus['details']>;
/** The LUKS header's facts; null for the unencrypted development vault. */
export type VaultLuks = NonNullable<VaultDetails['luks']>;
/** One key slot in use. */
export type VaultKeySlot = VaultLuks['slots'][number];
/** POST /api/vault/unlock. */
export type UnlockVaultRequest = Static<typeof UnlockBody>;
/** POST /api/vault/lock: `force` unmounts lazily even while something holds the volume. */
export type LockVaultRequest = Static<typeof LockBody>;
/** POST /api/vault/create: `confirmDevice` is the device path typed back, `password` the admin's own. */
export type CreateVaultRequest = Static<typeof CreateBody>;
/** 201 from POST /api/vault/create: the recovery key is shown this once and never again. */
export type CreatedVault = Static<typeof CreatedVaultSchema>;
/** GET /api/vault/keyslots. */
export type VaultKeySlots = Static<typeof KeySlotsSchema>;
/** POST /api/vault/keyslots and POST /api/vault/passphrase: an opening passphrase and the new one. */
export type VaultKeyChangeRequest = Static<typeof AddKeyBody>;
/** DELETE /api/vault/keyslots/:slot: a passphrase that opens the vault (any slot's). */
export type RemoveVaultKeyRequest = Static<typeof RemoveKeyBody>;
/** POST /api/vault/header-backup: the admin's own account password. */
export type VaultHeaderBackupRequest = Static<typeof PasswordBody>;
/** The key slot a passphrase was added to or changed in. */
export type VaultSlotAnswer = Static<typeof SlotAnswer>;

/** One row of a folder listing. `size` is in bytes (0 for folders); `mime` is null for folders. */
export type FileEntry = Static<typeof FileEntrySchema>;
/** file, dir, or other (a symlink or device planted by hand: shown, never followed). */
export type FileEntryType = FileEntry['type'];
/** The vault folder a file-manager path is in: files (read and write) or recordings (read-only). */
export type FileRootName = NonNullable<Static<typeof ListQuery>['root']>;
/** GET /api/files: one page of a folder, folders first; `total` counts the whole folder. */
export type FileListing = Static<typeof ListingSchema>;
/** One entry with its API path, as GET /api/files/stat, mkdir and rename answer. */
export type PathEntry = Static<typeof PathEntrySchema>;
/** POST /api/files/mkdir. */
export type MkdirRequest = Static<typeof PathBody>;
/** POST /api/files/rename: a new name in the same folder. */
export type RenameRequest = Static<typeof RenameBody>;
/** POST /api/files/move and /copy: entries into the folder `to`. */
export type TransferRequest = Static<typeof TransferBody>;
/** POST /api/files/delete: to the trash unless `permanent`. */
export type DeleteRequest = Static<typeof DeleteBody>;
/** Answer of POST /api/files/move: what moved, and what failed with its code. */
export type MoveAnswer = Static<typeof MoveResult>;
/** Answer of POST /api/files/copy. */
export type CopyAnswer = Static<typeof CopyResult>;
/** Answer of POST /api/files/delete. */
export type DeleteAnswer = Static<typeof DeleteResult>;
/** One entry of a batch that failed, with the server's code and message. */
export type BatchFailure = DeleteAnswer['failed'][number];
/** One thing in the trash; `originalPath` is where it goes back to. */
export type TrashEntry = Static<typeof TrashEntrySchema>;
/** GET /api/trash. */
export type TrashList = Static<typeof TrashListSchema>;
/** POST /api/trash/restore. */
export type RestoreRequest = Static<typeof RestoreBody>;
/** Answer of POST /api/trash/restore. */
export type RestoreAnswer = Static<typeof RestoreResult>;
/** Answer of POST /api/trash/empty: how many entries went for good. */
export type EmptyTrashAnswer = Static<typeof EmptyResult>;
/** When an upload's name is taken: keep both ("name (2).ext"), replace the file, or skip (409). */
export type UploadConflict = NonNullable<Static<typeof UploadQuery>['conflict']>;

/** Every error response has this body. */
export interface ApiErrorBody {
  code: string;
  message: string;
  /** Specifics for some codes, e.g. what holds a busy vault (VAULT_BUSY `holders`). */
  details?: Record<string, unknown>;
}

/** Error codes the server is documented to send. */
export type ServerErrorCode =
  | 'VALIDATION_FAILED'
  | 'WEAK_PASSWORD'
  | 'UNAUTHENTICATED'
  | 'INVALID_CREDENTIALS'
  | 'WRONG_PASSWORD'
  | 'FORBIDDEN'
  | 'ORIGIN_MISMATCH'
  | 'SETUP_TOKEN_REQUIRED'
  | 'NOT_FOUND'
  | 'SETUP_ALREADY_DONE'
  | 'USERNAME_TAKEN'
  | 'LAST_ADMIN'
  | 'TOO_MANY_ATTEMPTS'
  | 'INTERNAL'
  // The vault.
  | 'WRONG_PASSPHRASE'
  | 'VAULT_BUSY'
  | 'VAULT_LOCKED'
  | 'VAULT_UNLOCKED'
  | 'VAULT_ABSENT'
  | 'VAULT_UNAVAILABLE'
  | 'DM_UNAVAILABLE'
  | 'CONFIRMATION_MISMATCH'
  | 'DEVICE_NOT_EMPTY'
  | 'MOUNTPOINT_NOT_EMPTY'
  | 'LAST_KEY_SLOT'
  | 'NO_SUCH_SLOT'
  | 'BAD_PASSPHRASE'
  | 'FSCK_FAILED'
  | 'NOT_CONFIGURED'
  | 'HELPER_UNAVAILABLE'
  | 'NOT_SUPPORTED'
  // Files and uploads.
  | 'ALREADY_EXISTS'
  | 'NOT_A_FOLDER'
  | 'NOT_A_FILE'
  | 'ROOT_REFUSED'
  | 'INVALID_MOVE'
  | 'INVALID_NAME'
  | 'INVALID_PATH'
  | 'SYMLINK_REFUSED'
  | 'INSUFFICIENT_STORAGE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UPLOAD_EXPIRED'
  | 'READ_ONLY'
  // Camera sources and probes.
  | 'INVALID_SOURCE'
  | 'AUTH_FAILED'
  | 'UNREACHABLE'
  | 'NO_VIDEO'
  | 'UNSUPPORTED_CODEC'
  | 'PIPELINE_ERROR'
  | 'BAD_CONFIG'
  | 'MEDIA_UNAVAILABLE'
  | 'NO_FRAME'
  | 'NO_PICTURE'
  // Detection settings.
  | 'UNKNOWN_LABEL'
  | 'NO_LABELS'
  | 'SCORE_FOR_UNTRACKED_LABEL'
  | 'INVALID_ZONE_NAME'
  | 'DUPLICATE_ZONE_NAME'
  | 'INVALID_POLYGON'
  | 'IDLE_FPS_ABOVE_FPS'
  // Recordings.
  | 'BAD_RANGE'
  | 'NO_RECORDINGS'
  | 'EXPORT_BUSY'
  | 'EXPORTS_NOT_A_FOLDER'
  | 'EXPORT_FAILED'
  // Faces.
  | 'FACE_NAME_TAKEN'
  | 'NO_FACE'
  | 'BAD_IMAGE'
  | 'IMAGE_TOO_LARGE'
  | 'DETECTION_UNAVAILABLE'
  | 'TOO_MANY_SAMPLES'
  | 'SAME_FACE'
  | 'NO_CROP'
  // Live video over /api/ws.
  | 'CAMERA_NOT_FOUND'
  | 'CAMERA_OFFLINE'
  | 'SFU_UNAVAILABLE'
  | 'TOO_MANY_STREAMS'
  | 'JANUS_ERROR'
  | 'LIVE_SESSION_NOT_FOUND'
  | 'INVALID_MESSAGE'
  | 'UNKNOWN_MESSAGE';

/** Codes the client produces itself when no usable server answer arrived, or the browser itself failed. */
export type ClientErrorCode =
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'BAD_RESPONSE'
  /** The live socket is not connected, or dropped before the server answered. */
  | 'LIVE_DISCONNECTED'
  /** The browser has no RTCPeerConnection. */
  | 'WEBRTC_UNSUPPORTED'
  /** WebRTC negotiation or ICE failed, or no media arrived in time. */
  | 'WEBRTC_FAILED';

/** Messages the server sends on /api/ws. */
export type LiveServerMessage = ServerMessage;
/** The `type` of a server message. */
export type LiveServerMessageType = LiveServerMessage['type'];
/** The server message with the given `type`. */
export type LiveServerMessageOf<T extends LiveServerMessageType> = Extract<LiveServerMessage, { type: T }>;
/** An ICE candidate on the wire (RTCIceCandidateInit with a required `candidate`). */
export type LiveIceCandidate = IceCandidate;
/** Why the server ended a live session. */
export type LiveSessionEndReason = LiveEndReason;

/** Messages the client sends on /api/ws. */
export type LiveClientMessage =
  | Static<typeof PingMessage>
  | Static<typeof LiveWatchMessage>
  | Static<typeof LiveAnswerMessage>
  | Static<typeof LiveCandidateMessage>
  | Static<typeof LiveStopMessage>;
