import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which way the server speaks TLS: not at all, with a given certificate, or with one it makes and keeps. */
export type TlsConfig =
  { mode: 'off' } | { mode: 'files'; certPath: string; keyPath: string } | { mode: 'self-signed' };

/** Every setting Vigil reads from its environment, parsed once. Nothing else reads `process.env`. */
export interface Config {
  /** TCP port to listen on. Env PORT, default 8080. */
  readonly port: number;
  /** Address to bind. Env HOST, default 0.0.0.0 (every interface). */
  readonly host: string;
  /** Where vigil.db, secrets and the generated certificate live. Env VIGIL_DATA_DIR, default ./data. */
  readonly dataDir: string;
  /** Built front end served at `/`. Env VIGIL_FRONTEND_DIR, default <app>/dist/frontend. */
  readonly frontendDir: string;
  /** HTTPS settings. Env VIGIL_TLS=self-signed, or VIGIL_TLS_CERT + VIGIL_TLS_KEY (PEM paths); default off. */
  readonly tls: TlsConfig;
  /** Trust X-Forwarded-* from a reverse proxy. Env VIGIL_TRUST_PROXY: true, or the proxy addresses/CIDRs; default off. */
  readonly trustProxy: boolean | string[];
  /** Extra host names the server answers to (DNS-rebinding guard). Env VIGIL_HOSTNAMES, comma separated. */
  readonly hostnames: readonly string[];
  /** pino level. Env VIGIL_LOG_LEVEL, default info. */
  readonly logLevel: string;
  /** argon2id cost. Env VIGIL_ARGON2_MEMORY_KIB (default 65536, min 19456), VIGIL_ARGON2_ITERATIONS (default 3, min 2). */
  readonly argon2: { readonly memoryKiB: number; readonly iterations: number; readonly parallelism: number };
  /** Session lifetime. Env VIGIL_SESSION_IDLE_MINUTES (default 1440), VIGIL_SESSION_MAX_DAYS (default 30). */
  readonly session: { readonly idleMs: number; readonly absoluteMs: number };
  /** Folder that `file` cameras may read from; nothing outside it. Env VIGIL_MEDIA_DIR, default <data>/media. */
  readonly mediaDir: string;
  /** WebRTC (Janus) settings. */
  readonly webrtc: WebRtcConfig;
  /** Run cameras (Janus and camera workers). Env VIGIL_MEDIA=on|off, default on. */
  readonly media: boolean;
  /**
   * Detection (needs media). Env VIGIL_DETECTION=on|off (default on), VIGIL_MODELS_DIR (the converted models,
   * default <app>/.runtime/models, written by `npm run models`), VIGIL_INFERENCE_THREADS (onnxruntime threads,
   * default 1 so the camera, Janus and the server keep a core).
   */
  readonly detection: { readonly enabled: boolean; readonly modelsDir: string; readonly threads: number };
  /**
   * Recording's RAM cache (the pre-roll ring of segments). Env VIGIL_CACHE_DIR, default a folder of this data
   * dir's own under /dev/shm. It must be a tmpfs (footage never touches a persistent disk outside the vault);
   * VIGIL_ALLOW_PERSISTENT_CACHE=1 allows another filesystem on a development machine. Retention for the whole
   * vault: VIGIL_RECORDINGS_QUOTA (all recordings together, e.g. `500GiB` or `80%` of the volume; default none)
   * and VIGIL_RECORDINGS_MIN_FREE (free space always kept, default `5%`).
   */
  readonly recording: {
    readonly cacheDir: string;
    readonly allowPersistentCache: boolean;
    readonly quota: { bytes: number } | { share: number } | null;
    readonly minFree: { bytes: number } | { share: number };
  };
  /** The encrypted volume, or the development stand-in. */
  readonly vault: VaultConfig;
  /** File uploads. Env VIGIL_UPLOAD_MAX_BYTES (per upload, default 64 GiB), VIGIL_UPLOAD_EXPIRY_HOURS (partial uploads, default 24). */
  readonly uploads: { readonly maxBytes: number; readonly expiryMs: number };
}

/**
 * `luks`: the LUKS2 volume, managed through the privileged helper. Env VIGIL_VAULT_DEVICE (alias
 * LUKS_DEVICE_PATH; a block device or an image file; unset: no vault yet), VIGIL_VAULT_NAME (LUKS_MAPPER_NAME,
 * default vigil-vault), VIGIL_VAULT_MOUNT (LUKS_MOUNT_POINT, default <data>/vault; the appliance sets
 * /mnt/vigil-vault), VIGIL_VAULTCTL (the helper, default /usr/local/libexec/vigil-vaultctl),
 * VIGIL_VAULT_PBKDF_MEMORY_KIB + VIGIL_VAULT_PBKDF_ITERATIONS (argon2id cost of new key slots; default
 * cryptsetup's own calibration).
 * `dir`: VIGIL_VAULT=dir:<path>, a plain UNENCRYPTED directory for development and tests of other features;
 * refused unless VIGIL_ALLOW_INSECURE_VAULT=1. VIGIL_DEV_VAULT_PASSPHRASE, when set, is what unlocks it.
 */
export type VaultConfig =
  | {
      readonly kind: 'luks';
      readonly device: string | null;
      readonly mapper: string;
      readonly mount: string;
      readonly helper: string;
      readonly pbkdf: { readonly memoryKiB: number; readonly iterations: number } | null;
    }
  | { readonly kind: 'dir'; readonly path: string; readonly passphrase: string | null };

export interface WebRtcConfig {
  /** Interface name or address ICE may use. Env VIGIL_WEBRTC_INTERFACE; default every non-loopback interface. */
  readonly interface: string | null;
  /** Public/LAN address to announce (1:1 NAT). Env VIGIL_WEBRTC_IP. */
  readonly ip: string | null;
  /** UDP ports for RTP ingest and viewers' ICE, "min-max". Env VIGIL_RTP_PORT_RANGE, default 20000-40000. */
  readonly portRange: { readonly min: number; readonly max: number };
  /** STUN server "host:port" for viewers outside the LAN. Env VIGIL_STUN_SERVER. */
  readonly stun: { readonly host: string; readonly port: number } | null;
  /** TURN relay. Env VIGIL_TURN_SERVER ("host:port"), VIGIL_TURN_TRANSPORT (udp|tcp|tls), VIGIL_TURN_USER, VIGIL_TURN_PASSWORD. */
  readonly turn: {
    readonly host: string;
    readonly port: number;
    readonly transport: 'udp' | 'tcp' | 'tls';
    readonly user: string;
    readonly password: string;
  } | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The folder holding package.json, found from this file whether it runs from source or from dist/. */
export function appRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses the environment; throws one ConfigError listing every invalid variable. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name}=${raw}: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };

  /** `<n>GiB`, `<n>MiB` or `<n>%` (of the vault volume). */
  const size = <T>(name: string, fallback: T): { bytes: number } | { share: number } | T => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const match = /^(\d+(?:\.\d+)?)\s*(GiB|MiB|%)$/i.exec(raw);
    const value = Number(match?.[1]);
    const unit = match?.[2]?.toLowerCase();
    if (!match || !(value > 0) || (unit === '%' && value >= 100)) {
      problems.push(`${name}=${raw}: expected a size such as 500GiB, 800MiB or 80%`);
      return fallback;
    }
    if (unit === '%') return { share: value / 100 };
    return { bytes: Math.round(value * (unit === 'gib' ? 1024 ** 3 : 1024 ** 2)) };
  };

  const port = int('PORT', 8080, 0, 65535);
  const host = text('HOST') ?? '0.0.0.0';
  const dataDir = path.resolve(cwd, text('VIGIL_DATA_DIR') ?? 'data');
  const frontendDir = path.resolve(
    cwd,
    text('VIGIL_FRONTEND_DIR') ?? path.join(appRoot(), 'dist', 'frontend'),
  );

  let tls: TlsConfig = { mode: 'off' };
  const tlsMode = text('VIGIL_TLS');
  const certPath = text('VIGIL_TLS_CERT');
  const keyPath = text('VIGIL_TLS_KEY');
  if (tlsMode !== undefined && tlsMode !== 'self-signed' && tlsMode !== 'off') {
    problems.push(
      `VIGIL_TLS=${tlsMode}: expected "self-signed" or "off" (or set VIGIL_TLS_CERT and VIGIL_TLS_KEY)`,
    );
  } else if (certPath !== undefined || keyPath !== undefined) {
    if (certPath === undefined || keyPath === undefined) {
      problems.push('VIGIL_TLS_CERT and VIGIL_TLS_KEY must be set together');
    } else if (tlsMode === 'self-signed') {
      problems.push('VIGIL_TLS=self-signed conflicts with VIGIL_TLS_CERT/VIGIL_TLS_KEY: choose one');
    } else {
      for (const [name, file] of [
        ['VIGIL_TLS_CERT', certPath],
        ['VIGIL_TLS_KEY', keyPath],
      ] as const) {
        if (!existsSync(path.resolve(cwd, file))) problems.push(`${name}=${file}: file not found`);
      }
      tls = { mode: 'files', certPath: path.resolve(cwd, certPath), keyPath: path.resolve(cwd, keyPath) };
    }
  } else if (tlsMode === 'self-signed') {
    tls = { mode: 'self-signed' };
  }

  const trustRaw = text('VIGIL_TRUST_PROXY');
  let trustProxy: boolean | string[] = false;
  if (trustRaw !== undefined) {
    if (/^(true|yes)$/i.test(trustRaw)) trustProxy = true;
    else if (/^(false|no)$/i.test(trustRaw)) trustProxy = false;
    else if (/^[0-9a-fA-F.:/, ]+$/.test(trustRaw))
      trustProxy = trustRaw
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean);
    else
      problems.push(
        `VIGIL_TRUST_PROXY=${trustRaw}: expected true, false, or proxy addresses (comma separated)`,
      );
  }

  const hostnames = (text('VIGIL_HOSTNAMES') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  for (const h of hostnames) {
    if (!/^[a-z0-9.-]+$|^\[?[0-9a-f:.]+\]?$/.test(h))
      problems.push(`VIGIL_HOSTNAMES: "${h}" is not a host name`);
  }

  const logLevel = text('VIGIL_LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`VIGIL_LOG_LEVEL=${logLevel}: expected fatal, error, warn, info, debug, trace or silent`);
  }

  // OWASP's floor for argon2id is 19 MiB with 2 passes; we never go below it.
  const argon2 = {
    memoryKiB: int('VIGIL_ARGON2_MEMORY_KIB', 65536, 19456, 4194304),
    iterations: int('VIGIL_ARGON2_ITERATIONS', 3, 2, 100),
    parallelism: int('VIGIL_ARGON2_PARALLELISM', 1, 1, 16),
  };
  const session = {
    idleMs: int('VIGIL_SESSION_IDLE_MINUTES', 1440, 5, 525600) * 60_000,
    absoluteMs: int('VIGIL_SESSION_MAX_DAYS', 30, 1, 365) * 86_400_000,
  };

  const mediaDir = path.resolve(cwd, text('VIGIL_MEDIA_DIR') ?? path.join(dataDir, 'media'));
  const webrtc = parseWebRtc(text, problems);
  const mediaRaw = text('VIGIL_MEDIA') ?? 'on';
  if (mediaRaw !== 'on' && mediaRaw !== 'off') problems.push(`VIGIL_MEDIA=${mediaRaw}: expected on or off`);

  const detectionRaw = text('VIGIL_DETECTION') ?? 'on';
  if (detectionRaw !== 'on' && detectionRaw !== 'off')
    problems.push(`VIGIL_DETECTION=${detectionRaw}: expected on or off`);
  const detection = Object.freeze({
    enabled: detectionRaw === 'on',
    modelsDir: path.resolve(cwd, text('VIGIL_MODELS_DIR') ?? path.join(appRoot(), '.runtime', 'models')),
    threads: int('VIGIL_INFERENCE_THREADS', 1, 1, 16),
  });

  const recording = Object.freeze({
    cacheDir: path.resolve(
      cwd,
      text('VIGIL_CACHE_DIR') ??
        path.join('/dev/shm', `vigil-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`),
    ),
    allowPersistentCache: text('VIGIL_ALLOW_PERSISTENT_CACHE') === '1',
    quota: size('VIGIL_RECORDINGS_QUOTA', null),
    minFree: size('VIGIL_RECORDINGS_MIN_FREE', { share: 0.05 }),
  });

  const vault = parseVault(text, int, problems, cwd, dataDir);
  const uploads = Object.freeze({
    maxBytes: int('VIGIL_UPLOAD_MAX_BYTES', 64 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
    expiryMs: int('VIGIL_UPLOAD_EXPIRY_HOURS', 24, 1, 24 * 365) * 3_600_000,
  });

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    port,
    host,
    dataDir,
    frontendDir,
    tls,
    trustProxy,
    hostnames: Object.freeze(hostnames),
    logLevel,
    argon2: Object.freeze(argon2),
    session: Object.freeze(session),
    mediaDir,
    webrtc,
    media: mediaRaw !== 'off',
    detection,
    recording,
    vault,
    uploads,
  });
}

const MAPPER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function parseVault(
  text: (name: string) => string | undefined,
  int: (name: string, fallback: number, min: number, max: number) => number,
  problems: string[],
  cwd: string,
  dataDir: string,
): VaultConfig {
  const mode = text('VIGIL_VAULT');
  if (mode?.startsWith('dir:') === true) {
    if (text('VIGIL_ALLOW_INSECURE_VAULT') !== '1') {
      problems.push(
        'VIGIL_VAULT=dir:… keeps files UNENCRYPTED and is for development only: set VIGIL_ALLOW_INSECURE_VAULT=1 to use it',
      );
    }
    const dir = mode.slice('dir:'.length);
    if (dir === '') problems.push('VIGIL_VAULT=dir:<path>: the path is missing');
    return Object.freeze({
      kind: 'dir',
      path: path.resolve(cwd, dir),
      passphrase: text('VIGIL_DEV_VAULT_PASSPHRASE') ?? null,
    });
  }
  if (mode !== undefined && mode !== 'luks') {
    problems.push(`VIGIL_VAULT=${mode}: expected luks or dir:<path>`);
  }
  const device = text('VIGIL_VAULT_DEVICE') ?? text('LUKS_DEVICE_PATH') ?? null;
  if (device !== null && !path.isAbsolute(device)) {
    problems.push(`VIGIL_VAULT_DEVICE=${device}: expected an absolute path`);
  }
  const mapper = text('VIGIL_VAULT_NAME') ?? text('LUKS_MAPPER_NAME') ?? 'vigil-vault';
  if (!MAPPER_NAME.test(mapper)) {
    problems.push(`VIGIL_VAULT_NAME=${mapper}: expected letters, digits, ".", "_" or "-" (at most 64)`);
  }
  const helper = text('VIGIL_VAULTCTL') ?? '/usr/local/libexec/vigil-vaultctl';
  if (!path.isAbsolute(helper)) problems.push(`VIGIL_VAULTCTL=${helper}: expected an absolute path`);
  const memory = text('VIGIL_VAULT_PBKDF_MEMORY_KIB');
  const iterations = text('VIGIL_VAULT_PBKDF_ITERATIONS');
  if ((memory === undefined) !== (iterations === undefined)) {
    problems.push('VIGIL_VAULT_PBKDF_MEMORY_KIB and VIGIL_VAULT_PBKDF_ITERATIONS must be set together');
  }
  const pbkdf =
    memory !== undefined && iterations !== undefined
      ? Object.freeze({
          memoryKiB: int('VIGIL_VAULT_PBKDF_MEMORY_KIB', 0, 32, 4194304),
          iterations: int('VIGIL_VAULT_PBKDF_ITERATIONS', 0, 4, 1000),
        })
      : null;
  return Object.freeze({
    kind: 'luks',
    device,
    mapper,
    mount: path.resolve(
      cwd,
      text('VIGIL_VAULT_MOUNT') ?? text('LUKS_MOUNT_POINT') ?? path.join(dataDir, 'vault'),
    ),
    helper,
    pbkdf,
  });
}

const HOST_PORT = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/;

function parseHostPort(name: string, raw: string, problems: string[]): { host: string; port: number } | null {
  const match = HOST_PORT.exec(raw);
  const port = Number(match?.[2]);
  if (!match?.[1] || port < 1 || port > 65535) {
    problems.push(`${name}=${raw}: expected host:port`);
    return null;
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

function parseWebRtc(text: (name: string) => string | undefined, problems: string[]): WebRtcConfig {
  const iface = text('VIGIL_WEBRTC_INTERFACE') ?? null;
  if (iface !== null && !/^[A-Za-z0-9_.:@-]{1,64}$/.test(iface)) {
    problems.push(`VIGIL_WEBRTC_INTERFACE=${iface}: expected an interface name or an address`);
  }
  const ip = text('VIGIL_WEBRTC_IP') ?? null;
  if (ip !== null && !/^[0-9A-Fa-f.:]{2,45}$/.test(ip))
    problems.push(`VIGIL_WEBRTC_IP=${ip}: expected an IP address`);
  const rangeRaw = text('VIGIL_RTP_PORT_RANGE') ?? '20000-40000';
  const range = /^(\d{4,5})-(\d{4,5})$/.exec(rangeRaw);
  const portRange = { min: Number(range?.[1]), max: Number(range?.[2]) };
  if (!range || portRange.min < 1024 || portRange.max > 65535 || portRange.max - portRange.min < 100) {
    problems.push(
      `VIGIL_RTP_PORT_RANGE=${rangeRaw}: expected "min-max" within 1024-65535, at least 100 ports`,
    );
  }
  const stunRaw = text('VIGIL_STUN_SERVER');
  const stun = stunRaw === undefined ? null : parseHostPort('VIGIL_STUN_SERVER', stunRaw, problems);
  const turnRaw = text('VIGIL_TURN_SERVER');
  let turn: WebRtcConfig['turn'] = null;
  if (turnRaw !== undefined) {
    const where = parseHostPort('VIGIL_TURN_SERVER', turnRaw, problems);
    const transport = text('VIGIL_TURN_TRANSPORT') ?? 'udp';
    if (transport !== 'udp' && transport !== 'tcp' && transport !== 'tls') {
      problems.push(`VIGIL_TURN_TRANSPORT=${transport}: expected udp, tcp or tls`);
    }
    const user = text('VIGIL_TURN_USER');
    const password = text('VIGIL_TURN_PASSWORD');
    if (user === undefined || password === undefined)
      problems.push('VIGIL_TURN_SERVER needs VIGIL_TURN_USER and VIGIL_TURN_PASSWORD');
    if (
      where &&
      user !== undefined &&
      password !== undefined &&
      (transport === 'udp' || transport === 'tcp' || transport === 'tls')
    ) {
      turn = Object.freeze({ ...where, transport, user, password });
    }
  }
  return Object.freeze({ interface: iface, ip, portRange: Object.freeze(portRange), stun, turn });
}
