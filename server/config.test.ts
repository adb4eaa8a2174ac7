import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig({}, '/srv/vigil');
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/srv/vigil/data',
      tls: { mode: 'off' },
      trustProxy: false,
      argon2: { memoryKiB: 65536, iterations: 3, parallelism: 1 },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lists every invalid variable at once', () => {
    const attempt = () =>
      loadConfig({
        PORT: 'eighty',
        VIGIL_TLS: 'maybe',
        VIGIL_ARGON2_MEMORY_KIB: '1024',
        VIGIL_ARGON2_ITERATIONS: '1',
        VIGIL_LOG_LEVEL: 'loud',
        VIGIL_TRUST_PROXY: 'everyone!',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(6);
      for (const name of [
        'PORT',
        'VIGIL_TLS',
        'VIGIL_ARGON2_MEMORY_KIB',
        'VIGIL_ARGON2_ITERATIONS',
        'VIGIL_LOG_LEVEL',
        'VIGIL_TRUST_PROXY',
      ]) {
        expect(problems.some((p) => p.startsWith(name))).toBe(true);
      }
    }
  });

  it('never accepts argon2 below OWASP’s 19 MiB / 2 passes', () => {
    expect(() => loadConfig({ VIGIL_ARGON2_MEMORY_KIB: '19455' })).toThrow(/VIGIL_ARGON2_MEMORY_KIB/);
    expect(
      loadConfig({ VIGIL_ARGON2_MEMORY_KIB: '19456', VIGIL_ARGON2_ITERATIONS: '2' }).argon2,
    ).toMatchObject({
      memoryKiB: 19456,
      iterations: 2,
    });
  });

  it('reads TLS settings: self-signed, or a certificate and key that must both exist', () => {
    expect(loadConfig({ VIGIL_TLS: 'self-signed' }).tls).toEqual({ mode: 'self-signed' });
    expect(() => loadConfig({ VIGIL_TLS_CERT: '/nope.crt' })).toThrow(/must be set together/);
    expect(() => loadConfig({ VIGIL_TLS_CERT: '/nope.crt', VIGIL_TLS_KEY: '/nope.key' })).toThrow(
      /file not found/,
    );
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-config-'));
    writeFileSync(path.join(dir, 'c.pem'), '');
    writeFileSync(path.join(dir, 'k.pem'), '');
    expect(loadConfig({ VIGIL_TLS_CERT: 'c.pem', VIGIL_TLS_KEY: 'k.pem' }, dir).tls).toEqual({
      mode: 'files',
      certPath: path.join(dir, 'c.pem'),
      keyPath: path.join(dir, 'k.pem'),
    });
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses proxies, host names and session lifetimes', () => {
    const config = loadConfig({
      VIGIL_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8',
      VIGIL_HOSTNAMES: 'Vigil.Home.Arpa, nas.local',
      VIGIL_SESSION_IDLE_MINUTES: '60',
      VIGIL_SESSION_MAX_DAYS: '7',
    });
    expect(config.trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(config.hostnames).toEqual(['vigil.home.arpa', 'nas.local']);
    expect(config.session).toEqual({ idleMs: 3_600_000, absoluteMs: 7 * 86_400_000 });
    expect(loadConfig({ VIGIL_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it('reads the vault: LUKS by default, LUKS Web Manager names as aliases, the dev directory only when allowed', () => {
    expect(loadConfig({}, '/srv/vigil').vault).toEqual({
      kind: 'luks',
      device: null,
      mapper: 'vigil-vault',
      mount: '/srv/vigil/data/vault',
      helper: '/usr/local/libexec/vigil-vaultctl',
      pbkdf: null,
    });
    const aliases = loadConfig({
      LUKS_DEVICE_PATH: '/dev/sdb1',
      LUKS_MAPPER_NAME: 'secure',
      LUKS_MOUNT_POINT: '/mnt/secure',
      VIGIL_VAULT_PBKDF_MEMORY_KIB: '32',
      VIGIL_VAULT_PBKDF_ITERATIONS: '4',
    }).vault;
    expect(aliases).toMatchObject({
      device: '/dev/sdb1',
      mapper: 'secure',
      mount: '/mnt/secure',
      pbkdf: { memoryKiB: 32, iterations: 4 },
    });
    // Vigil's own names win over the aliases.
    expect(
      loadConfig({ LUKS_DEVICE_PATH: '/dev/sdb1', VIGIL_VAULT_DEVICE: '/dev/sdc1' }).vault,
    ).toMatchObject({
      device: '/dev/sdc1',
    });
    expect(() => loadConfig({ VIGIL_VAULT: 'dir:/tmp/dev-vault' })).toThrow(/VIGIL_ALLOW_INSECURE_VAULT=1/);
    expect(
      loadConfig({
        VIGIL_VAULT: 'dir:/tmp/dev-vault',
        VIGIL_ALLOW_INSECURE_VAULT: '1',
        VIGIL_DEV_VAULT_PASSPHRASE: 'p',
      }).vault,
    ).toEqual({ kind: 'dir', path: '/tmp/dev-vault', passphrase: 'p' });
    for (const bad of [
      { VIGIL_VAULT_DEVICE: 'relative/disk' },
      { VIGIL_VAULT_NAME: 'bad name;rm' },
      { VIGIL_VAULT_PBKDF_MEMORY_KIB: '32' },
      { VIGIL_VAULTCTL: 'vaultctl' },
      { VIGIL_VAULT: 'tmpfs' },
    ]) {
      expect(() => loadConfig(bad), JSON.stringify(bad)).toThrow(ConfigError);
    }
  });

  it('reads recordings retention for the whole vault: a quota in GiB, MiB or % and a free-space floor', () => {
    expect(loadConfig({}, '/srv/vigil').recording).toMatchObject({ quota: null, minFree: { share: 0.05 } });
    expect(
      loadConfig({ VIGIL_RECORDINGS_QUOTA: '500GiB', VIGIL_RECORDINGS_MIN_FREE: '800 MiB' }, '/srv/vigil')
        .recording,
    ).toMatchObject({ quota: { bytes: 500 * 1024 ** 3 }, minFree: { bytes: 800 * 1024 ** 2 } });
    expect(loadConfig({ VIGIL_RECORDINGS_QUOTA: '80%' }, '/srv/vigil').recording.quota).toEqual({
      share: 0.8,
    });
    for (const bad of ['lots', '0GiB', '100%', '-5GiB', '5TB']) {
      expect(() => loadConfig({ VIGIL_RECORDINGS_QUOTA: bad }), bad).toThrow(/VIGIL_RECORDINGS_QUOTA/);
      expect(() => loadConfig({ VIGIL_RECORDINGS_MIN_FREE: bad }), bad).toThrow(/VIGIL_RECORDINGS_MIN_FREE/);
    }
  });
});
