import { describe, expect, it } from 'vitest';
import { createHostAllowList, hostnameOf } from './request-guards.js';

describe('hostnameOf', () => {
  it.each([
    ['localhost:8080', 'localhost'],
    ['[::1]:8080', '::1'],
    ['[fe80::1]', 'fe80::1'],
    ['Vigil.Local.', 'vigil.local'],
    ['192.168.1.4', '192.168.1.4'],
  ])('%s → %s', (header, host) => {
    expect(hostnameOf(header)).toBe(host);
  });
});

describe('createHostAllowList', () => {
  it('answers to localhost, the machine name, configured names and its listen address only', () => {
    const allowed = createHostAllowList('192.168.1.4', ['vigil.home.arpa'], 'homeserver');
    for (const host of [
      'localhost:8080',
      '127.0.0.1',
      '[::1]:80',
      'homeserver',
      'homeserver.local',
      'vigil.home.arpa',
      '192.168.1.4:8080',
    ]) {
      expect(allowed(host), host).toBe(true);
    }
    for (const host of [
      undefined,
      '',
      'evil.example',
      'homeserver.evil.example',
      '192.168.1.5',
      'localhost.evil.example',
    ]) {
      expect(allowed(host), String(host)).toBe(false);
    }
  });

  it('answers to every interface address when listening on all of them', () => {
    const allowed = createHostAllowList('0.0.0.0', [], 'box');
    expect(allowed('127.0.0.1:8080')).toBe(true);
    expect(allowed('203.0.113.77')).toBe(false);
  });
});
