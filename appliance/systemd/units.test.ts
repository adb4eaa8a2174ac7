import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The appliance's systemd unit for Vigil's web process, checked as systemd itself reads it: the exposure score
// of `systemd-analyze security` (offline, on the file) and the settings the appliance relies on.
const UNIT = path.join(import.meta.dirname, 'vigil.service');

/** The unit's [Service] settings; a setting given twice keeps every value, in order. */
function serviceSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1] ?? '';
      continue;
    }
    if (section !== 'Service') continue;
    const at = line.indexOf('=');
    const key = line.slice(0, at);
    settings.set(key, [...(settings.get(key) ?? []), line.slice(at + 1)]);
  }
  return settings;
}

describe('appliance/systemd/vigil.service', () => {
  const settings = serviceSettings(readFileSync(UNIT, 'utf8'));
  const one = (key: string) => settings.get(key)?.at(-1);

  it('scores an exposure of at most 3.0 in systemd-analyze security', () => {
    const report = execFileSync('systemd-analyze', ['security', '--offline=true', '--no-pager', UNIT], {
      encoding: 'utf8',
    });
    const exposure = Number(/Overall exposure level for vigil\.service: (\d+(?:\.\d+)?)/.exec(report)?.[1]);
    console.log(`systemd-analyze security vigil.service: exposure ${exposure}`);
    expect(exposure).toBeGreaterThanOrEqual(0);
    expect(exposure).toBeLessThanOrEqual(3.0);
  });

  it('runs unprivileged, with no capability, under the hardening the appliance promises', () => {
    expect(one('User')).toBe('vigil');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(one('AmbientCapabilities')).toBe('');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('RestrictAddressFamilies')?.split(' ').sort()).toEqual([
      'AF_INET',
      'AF_INET6',
      'AF_NETLINK',
      'AF_UNIX',
    ]);
    // Block devices (the raw vault disk among them) are out of reach; only cameras are let in.
    expect(one('DevicePolicy')).toBe('closed');
    expect(settings.get('DeviceAllow')).toEqual(['char-video4linux rw']);
  });

  it('keeps the RAM cache on a tmpfs of its own and writes only the data dir and the vault', () => {
    const environment = new Map(
      (settings.get('Environment') ?? []).map((entry) => entry.split('=', 2) as [string, string]),
    );
    const cache = environment.get('VIGIL_CACHE_DIR');
    expect(cache).toBeDefined();
    expect(one('TemporaryFileSystem')?.split(':')[0]).toBe(cache);
    expect(one('ReadWritePaths')?.split(' ').sort()).toEqual(
      [environment.get('VIGIL_DATA_DIR'), environment.get('VIGIL_VAULT_MOUNT')].sort(),
    );
  });

  it('starts the server the build produces', () => {
    const start = one('ExecStart')?.split(' ') ?? [];
    expect(start[0]).toBe('/opt/vigil/node/bin/node');
    // /opt/vigil is the repository's built tree: the entry must be the one `npm run build` makes from server/.
    expect(start[1]).toBe('/opt/vigil/dist/server/main.js');
    expect(existsSync(path.join(import.meta.dirname, '..', '..', 'server', 'main.ts'))).toBe(true);
  });
});
