import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { JanusConfigError } from './janus-errors.js';
import { toJcfg, type JcfgGroup } from './jcfg.js';

/** Where Debian's `janus` package installs its modules. */
export const DEBIAN_JANUS_LIB_DIR = '/usr/lib/x86_64-linux-gnu/janus';

/** The only plugin and transport Vigil loads; every other module found is listed under `disable`. */
export const STREAMING_PLUGIN = 'libjanus_streaming.so';
export const HTTP_TRANSPORT = 'libjanus_http.so';

/**
 * Modules Debian's janus 1.1.2 ships. Janus loads every `.so` it finds unless told not to, so these are disabled
 * even when the folder cannot be read; `writeJanusConfig` adds whatever else it finds there.
 */
export const KNOWN_MODULES = {
  plugins: [
    'libjanus_audiobridge.so',
    'libjanus_duktape.so',
    'libjanus_echotest.so',
    'libjanus_lua.so',
    'libjanus_nosip.so',
    'libjanus_recordplay.so',
    'libjanus_sip.so',
    'libjanus_streaming.so',
    'libjanus_textroom.so',
    'libjanus_videocall.so',
    'libjanus_videoroom.so',
    'libjanus_voicemail.so',
  ],
  transports: [
    'libjanus_http.so',
    'libjanus_mqtt.so',
    'libjanus_nanomsg.so',
    'libjanus_pfunix.so',
    'libjanus_rabbitmq.so',
    'libjanus_websockets.so',
  ],
  events: [
    'libjanus_gelfevh.so',
    'libjanus_mqttevh.so',
    'libjanus_nanomsgevh.so',
    'libjanus_rabbitmqevh.so',
    'libjanus_sampleevh.so',
    'libjanus_wsevh.so',
  ],
  loggers: ['libjanus_jsonlog.so'],
} as const;

export type JanusModuleKind = keyof typeof KNOWN_MODULES;
export type InstalledModules = Readonly<Record<JanusModuleKind, readonly string[]>>;

/** Random per start, never logged, written only to 0600 files. */
export interface JanusSecrets {
  /** Janus API `apisecret`: every HTTP request carries it. */
  readonly apiSecret: string;
  /** Admin API secret. The admin API stays off; set anyway so the stock default never applies. */
  readonly adminSecret: string;
  /** Streaming plugin `admin_key`: needed to create mountpoints. */
  readonly streamingAdminKey: string;
}

export function generateJanusSecrets(): JanusSecrets {
  const secret = () => randomBytes(24).toString('base64url');
  return { apiSecret: secret(), adminSecret: secret(), streamingAdminKey: secret() };
}

/** A TURN server Janus itself gathers relay candidates through (only when Janus sits behind a strict firewall). */
export interface JanusTurnServer {
  readonly server: string;
  /** UDP/TCP port; default 3478. */
  readonly port?: number;
  /** Transport to the TURN server; default udp. */
  readonly type?: 'udp' | 'tcp' | 'tls';
  readonly user: string;
  readonly password: string;
}

export interface JanusConfigOptions {
  /** Folder holding the generated files (Janus's `configs_folder`), e.g. `<dataDir>/janus`. */
  readonly configDir: string;
  /** TCP port of the HTTP Janus API. The caller picks a free one per start. */
  readonly port: number;
  /**
   * Address the HTTP API binds to; default 127.0.0.1. Only tests that run Janus inside a network namespace bind
   * the namespace's own address, so the test process outside can reach it.
   */
  readonly httpBindAddress?: string;
  /** Client address prefixes the HTTP transport accepts (Janus ACL, prefix match); default the bind address. */
  readonly httpAcl?: readonly string[];
  readonly secrets: JanusSecrets;
  /** UDP ports for RTP ingest (port 0 mountpoints) and ICE; default 20000–40000. */
  readonly rtpPortRange?: { readonly min: number; readonly max: number };
  /**
   * `VIGIL_WEBRTC_INTERFACE`: the interface name or IP address Janus gathers ICE candidates on
   * (`nat.ice_enforce_list`); default every interface. Janus skips loopback interfaces, so loopback is refused.
   */
  readonly iceInterface?: string;
  /**
   * IP address Janus writes into its SDP (`general.interface`); default `iceInterface` when that is an address,
   * else Janus's own guess. `webrtcInterfaceAddress` finds an interface's address.
   */
  readonly sdpIp?: string;
  /** `VIGIL_WEBRTC_IP`: the public address put into host candidates (`nat.nat_1_1_mapping`) behind a 1:1 NAT. */
  readonly publicIp?: string;
  /** With `publicIp`, keep the private host candidates too (LAN viewers keep working); default true. */
  readonly keepPrivateHost?: boolean;
  /** STUN server for server-reflexive candidates; default none. Port default 3478. */
  readonly stun?: { readonly server: string; readonly port?: number };
  readonly turn?: JanusTurnServer;
  /** Janus log verbosity 0–7; default 4 (info). Above 4 Janus prints API requests. */
  readonly debugLevel?: number;
  /** Seconds without a request before Janus drops a session; default 60. */
  readonly sessionTimeoutSeconds?: number;
  /** Where Janus's modules live; default Debian's path. */
  readonly libDir?: string;
}

const DEFAULT_RTP_RANGE = { min: 20000, max: 40000 } as const;

const isLoopback = (value: string) =>
  value === 'lo' || value.startsWith('lo:') || value.startsWith('127.') || value === '::1';

const port = (value: number, what: string): number => {
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new JanusConfigError(`${what} must be a port from 1 to 65535, got ${value}`);
  return value;
};

const ip = (value: string, what: string): string => {
  if (isIP(value) === 0) throw new JanusConfigError(`${what} must be an IP address, got "${value}"`);
  return value;
};

/** Every module of a kind Janus would find, minus the one we keep. */
function disableList(kind: JanusModuleKind, installed: InstalledModules | undefined, keep?: string): string {
  const names = new Set<string>([...KNOWN_MODULES[kind], ...(installed?.[kind] ?? [])]);
  if (keep !== undefined) names.delete(keep);
  return [...names].sort().join(',');
}

/**
 * The files Janus needs, as `{ file name: text }`. Pure: the caller writes them (see `writeJanusConfig`).
 * Only the Streaming plugin and the HTTP transport load; the API binds one address; the admin API is off; no
 * sample mountpoints exist (the stock ones bind 0.0.0.0).
 */
export function buildJanusConfig(
  options: JanusConfigOptions,
  installed?: InstalledModules,
): Record<string, string> {
  const libDir = options.libDir ?? DEBIAN_JANUS_LIB_DIR;
  const bind = ip(options.httpBindAddress ?? '127.0.0.1', 'httpBindAddress');
  const range = options.rtpPortRange ?? DEFAULT_RTP_RANGE;
  port(range.min, 'rtpPortRange.min');
  port(range.max, 'rtpPortRange.max');
  if (range.min > range.max) throw new JanusConfigError('rtpPortRange.min is above rtpPortRange.max');
  const debugLevel = options.debugLevel ?? 4;
  if (!Number.isInteger(debugLevel) || debugLevel < 0 || debugLevel > 7)
    throw new JanusConfigError(`debugLevel must be 0–7, got ${debugLevel}`);
  if (options.iceInterface !== undefined && isLoopback(options.iceInterface))
    throw new JanusConfigError(
      `iceInterface "${options.iceInterface}" is loopback: Janus never gathers ICE candidates on loopback`,
    );
  if (options.iceInterface?.includes(',') === true)
    throw new JanusConfigError('iceInterface takes one interface name or IP address');
  const { secrets } = options;
  const named: [string, string][] = [
    ['apiSecret', secrets.apiSecret],
    ['adminSecret', secrets.adminSecret],
    ['streamingAdminKey', secrets.streamingAdminKey],
  ];
  for (const [name, value] of named)
    if (!/^[A-Za-z0-9_-]{16,}$/.test(value))
      throw new JanusConfigError(`${name} must be at least 16 URL-safe characters`);

  // An ICE interface given as an address is also the address to write into the SDP.
  const sdpIp =
    options.sdpIp ??
    (options.iceInterface !== undefined && isIP(options.iceInterface) !== 0
      ? options.iceInterface
      : undefined);
  const rtpRange = `${range.min}-${range.max}`;
  const stun = options.stun;
  const turn = options.turn;
  const janus: Record<string, JcfgGroup> = {
    general: {
      configs_folder: options.configDir,
      plugins_folder: `${libDir}/plugins`,
      transports_folder: `${libDir}/transports`,
      events_folder: `${libDir}/events`,
      loggers_folder: `${libDir}/loggers`,
      log_to_stdout: true,
      debug_level: debugLevel,
      debug_colors: false,
      server_name: 'vigil',
      interface: sdpIp === undefined ? undefined : ip(sdpIp, 'sdpIp'),
      api_secret: secrets.apiSecret,
      admin_secret: secrets.adminSecret,
      token_auth: false,
      session_timeout: options.sessionTimeoutSeconds ?? 60,
      reclaim_session_timeout: 0,
      hide_dependencies: true,
      // Janus never writes files for Vigil (no recordings, no pcap dumps): refuse every path.
      protected_folders: ['/'],
    },
    certificates: {},
    media: { ipv6: false, rtp_port_range: rtpRange },
    nat: {
      nice_debug: false,
      full_trickle: true,
      // Aggressive nomination let libnice pick a bad peer-reflexive pair; regular nomination did not.
      ice_nomination: 'regular',
      // On a LAN (no STUN, no TURN) Janus only has host candidates, so ICE-lite loses nothing and lets the
      // browser nominate at once: about 100 ms less to the first frame than Janus running checks of its own.
      // With STUN or TURN Janus needs full ICE to gather and check reflexive and relayed candidates.
      ice_lite: stun === undefined && turn === undefined,
      ignore_mdns: true,
      ice_enforce_list: options.iceInterface,
      ice_ignore_list: options.iceInterface === undefined ? 'vmnet' : undefined,
      nat_1_1_mapping: options.publicIp === undefined ? undefined : ip(options.publicIp, 'publicIp'),
      keep_private_host: options.publicIp === undefined ? undefined : (options.keepPrivateHost ?? true),
      stun_server: stun?.server,
      stun_port: stun === undefined ? undefined : port(stun.port ?? 3478, 'stun.port'),
      turn_server: turn?.server,
      turn_port: turn === undefined ? undefined : port(turn.port ?? 3478, 'turn.port'),
      turn_type: turn === undefined ? undefined : (turn.type ?? 'udp'),
      turn_user: turn?.user,
      turn_pwd: turn?.password,
    },
    plugins: { disable: disableList('plugins', installed, STREAMING_PLUGIN) },
    transports: { disable: disableList('transports', installed, HTTP_TRANSPORT) },
    loggers: { disable: disableList('loggers', installed) },
    events: { broadcast: false, disable: disableList('events', installed) },
  };

  const http: Record<string, JcfgGroup> = {
    general: {
      events: false,
      json: 'plain',
      base_path: '/janus',
      http: true,
      port: port(options.port, 'port'),
      ip: bind,
      acl: (options.httpAcl ?? [bind]).join(','),
      https: false,
    },
    admin: { admin_http: false, admin_https: false },
    cors: {},
    certificates: {},
  };

  const streaming: Record<string, JcfgGroup> = {
    // No mountpoint groups: Vigil creates one per camera through the API, its RTP ingest bound to 127.0.0.1.
    general: {
      admin_key: secrets.streamingAdminKey,
      rtp_port_range: rtpRange,
      events: false,
      string_ids: false,
    },
  };

  return {
    'janus.jcfg': toJcfg(janus),
    'janus.transport.http.jcfg': toJcfg(http),
    'janus.plugin.streaming.jcfg': toJcfg(streaming),
  };
}
