import { JanusError } from './janus-errors.js';
import type { JanusHandle } from './janus-handle.js';

export const STREAMING_PLUGIN_NAME = 'janus.plugin.streaming';

/**
 * The H.264 flavour every camera worker sends: constrained baseline, packetization-mode 1, payload type 96.
 * Browsers decode it in hardware or software without a transcode.
 */
export const H264_RTP = {
  pt: 96,
  codec: 'h264',
  fmtp: 'profile-level-id=42e01f;packetization-mode=1',
} as const;

export interface CreateMountpointOptions {
  /** Mountpoint id (Vigil uses the camera id). */
  readonly id: number;
  /** UDP port for the RTP ingest; 0 (default) lets Janus pick one in its `rtp_port_range`. */
  readonly port?: number;
  /** Free text shown by `list`; never user input. Default `camera <id>`. */
  readonly description?: string;
}

/**
 * The `create` body. Janus 1.x's `media` array (the 0.x `video`/`videoport` form still works but answers
 * `deprecated_api`). `iface: 127.0.0.1` binds the RTP ingest to loopback; `bufferkf` keeps the last keyframe
 * so a new viewer gets a picture at once.
 */
export function createMountpointRequest(adminKey: string, options: CreateMountpointOptions) {
  return {
    request: 'create',
    admin_key: adminKey,
    type: 'rtp',
    id: options.id,
    name: `vigil-${options.id}`,
    description: options.description ?? `camera ${options.id}`,
    is_private: false,
    permanent: false,
    // Lets each viewer ask the browser, per packet, to play frames without a smoothing delay (see
    // PLAYOUT_DELAY in janus-viewer.ts): Chromium then renders a frame as soon as it is decoded.
    playoutdelay_ext: true,
    media: [
      {
        type: 'video',
        mid: 'v',
        label: 'video',
        port: options.port ?? 0,
        iface: '127.0.0.1',
        ...H264_RTP,
        bufferkf: true,
        // An RTCP port (0: Janus picks one) lets viewers' keyframe requests reach the camera worker
        // (keyframe-feedback.ts).
        rtcpport: 0,
      },
    ],
  };
}

export interface MountpointMedia {
  readonly mid: string;
  readonly type: string;
  readonly codec?: string;
  /** Ingest port (only `info` reports it). */
  readonly port?: number;
  /** Milliseconds since the last RTP packet arrived; absent before the first one. */
  readonly ageMs?: number;
}

export interface MountpointInfo {
  readonly id: number;
  readonly description: string;
  readonly enabled: boolean;
  /** Current subscribers (only `info` reports it). */
  readonly viewers?: number;
  readonly media: readonly MountpointMedia[];
}

const record = (value: unknown): Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function parseMedia(value: unknown): MountpointMedia[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) => {
    const m = record(item);
    const codec = str(m.codec);
    const port = num(m.port);
    const ageMs = num(m.age_ms);
    return {
      mid: str(m.mid) ?? '',
      type: str(m.type) ?? '',
      ...(codec === undefined ? {} : { codec }),
      ...(port === undefined ? {} : { port }),
      ...(ageMs === undefined ? {} : { ageMs }),
    };
  });
}

function parseInfo(value: unknown): MountpointInfo {
  const m = record(value);
  const id = num(m.id);
  if (id === undefined) throw new JanusError('Janus described a mountpoint without an id.');
  const viewers = num(m.viewers);
  return {
    id,
    description: str(m.description) ?? '',
    enabled: m.enabled === true,
    ...(viewers === undefined ? {} : { viewers }),
    media: parseMedia(m.media),
  };
}

/** Creates an RTP mountpoint and returns the UDP ports its ingest and its RTCP feedback use (127.0.0.1). */
export async function createMountpoint(
  handle: JanusHandle,
  adminKey: string,
  options: CreateMountpointOptions,
): Promise<{ id: number; rtpPort: number; rtcpPort: number | null }> {
  const { data } = await handle.message(createMountpointRequest(adminKey, options));
  const stream = record(data.stream);
  const ports = Array.isArray(stream.ports) ? stream.ports.map(record) : [];
  const video = ports.find((p) => p.mid === 'v') ?? ports[0];
  const rtpPort = num(video?.port);
  if (rtpPort === undefined) throw new JanusError('Janus created a mountpoint but reported no port.');
  return { id: num(stream.id) ?? options.id, rtpPort, rtcpPort: num(video?.rtcp_port) ?? null };
}

/** Destroys a mountpoint; its viewers are hung up and its ingest port closed. */
export async function destroyMountpoint(handle: JanusHandle, id: number): Promise<void> {
  await handle.message({ request: 'destroy', id, permanent: false });
}

/** Every listable mountpoint. */
export async function listMountpoints(handle: JanusHandle): Promise<MountpointInfo[]> {
  const { data } = await handle.message({ request: 'list' });
  return Array.isArray(data.list) ? data.list.map(parseInfo) : [];
}

/** One mountpoint in detail, including its ingest port and how long ago media last arrived. */
export async function mountpointInfo(handle: JanusHandle, id: number): Promise<MountpointInfo> {
  const { data } = await handle.message({ request: 'info', id });
  return parseInfo(data.info);
}
