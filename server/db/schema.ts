import type { Generated } from 'kysely';

/** Roles, weakest first: each role can do everything the ones before it can. */
export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  role: Role;
  /** 0 or 1 (SQLite has no boolean). */
  disabled: number;
  /** ISO-8601. */
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the opaque id held in the cookie. */
  id_hash: string;
  user_id: number;
  /** Epoch milliseconds. */
  created_at: number;
  last_seen_at: number;
  /** Absolute expiry, epoch milliseconds. */
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  action: string;
  user_id: number | null;
  username: string | null;
  ip: string | null;
  detail: string | null;
}

export const CAMERA_KINDS = ['rtsp', 'v4l2', 'file', 'test'] as const;
export type CameraKind = (typeof CAMERA_KINDS)[number];

export interface CamerasTable {
  id: Generated<number>;
  name: string;
  kind: CameraKind;
  /** rtsp: the URL without credentials. */
  url: string | null;
  /** v4l2: /dev/videoN. */
  device: string | null;
  /** file: path relative to the media folder. */
  path: string | null;
  /** rtsp credentials; never returned by the API, never logged. */
  username: string | null;
  password: string | null;
  enabled: number;
  /** Detection on (1) or off (0); defaults to off. */
  detect: Generated<number>;
  /** The camera's detection settings as JSON (server/detection/detection-settings.schemas.ts); null: defaults. */
  detection_settings: string | null;
  /** The camera's recording settings as JSON (server/recordings/recording-settings.ts); null: defaults. */
  recording_settings: string | null;
  /** Capture hints (v4l2, test). */
  width: number | null;
  height: number | null;
  fps: number | null;
  rtsp_transport: 'tcp' | 'udp';
  latency_ms: number;
  created_at: string;
  updated_at: string;
}

export interface SettingsTable {
  key: string;
  /** JSON. */
  value: string;
  updated_at: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  cameras: CamerasTable;
  settings: SettingsTable;
}
