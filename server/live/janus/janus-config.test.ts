import { describe, expect, it } from 'vitest';
import { buildJanusConfig, generateJanusSecrets, type JanusConfigOptions } from './janus-config.js';
import { JanusConfigError } from './janus-errors.js';
import { toJcfg } from './jcfg.js';
import { webrtcInterfaceAddress } from './webrtc-interface.js';

const base = (overrides: Partial<JanusConfigOptions> = {}): JanusConfigOptions => ({
  configDir: '/var/lib/vigil/janus',
  port: 18088,
  secrets: generateJanusSecrets(),
  ...overrides,
});

/** The value of `key = …` inside `group: { … }` of a generated file (enough for our flat groups). */
function setting(text: string, group: string, key: string): string | undefined {
  const body = new RegExp(`^${group}: \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(text)?.[1] ?? '';
  return new RegExp(`^\\t${key} = (.*)$`, 'm').exec(body)?.[1];
}

describe('toJcfg', () => {
  it('writes groups, arrays and escaped strings', () => {
    const text = toJcfg({
      general: { a: 'x"y\\z\nw', b: 3, c: true, d: ['/', 'q'], e: undefined, g: { h: 1 } },
    });
    expect(text).toBe(
      'general: {\n\ta = "x\\"y\\\\z\\nw"\n\tb = 3\n\tc = true\n\td = ["/", "q"]\n\tg: {\n\t\th = 1\n\t}\n}\n',
    );
  });

  it('refuses setting names that could inject syntax', () => {
    expect(() => toJcfg({ general: { 'a = 1\nb': 2 } })).toThrow(RangeError);
  });
});

describe('buildJanusConfig', () => {
  it('writes the three files Janus reads', () => {
    expect(Object.keys(buildJanusConfig(base())).sort()).toEqual([
      'janus.jcfg',
      'janus.plugin.streaming.jcfg',
      'janus.transport.http.jcfg',
    ]);
  });

  it('loads only the Streaming plugin and the HTTP transport', () => {
    const janus = buildJanusConfig(base(), {
      plugins: ['libjanus_streaming.so', 'libjanus_custom.so'],
      transports: ['libjanus_http.so'],
      events: [],
      loggers: [],
    })['janus.jcfg']!;
    const plugins = setting(janus, 'plugins', 'disable')!;
    expect(plugins).not.toContain('libjanus_streaming.so');
    for (const name of [
      'libjanus_videoroom.so',
      'libjanus_echotest.so',
      'libjanus_sip.so',
      'libjanus_custom.so',
    ])
      expect(plugins).toContain(name);
    const transports = setting(janus, 'transports', 'disable')!;
    expect(transports).not.toContain('libjanus_http.so');
    for (const name of ['websockets', 'pfunix', 'mqtt', 'nanomsg', 'rabbitmq'])
      expect(transports).toContain(`libjanus_${name}.so`);
    expect(setting(janus, 'loggers', 'disable')).toContain('libjanus_jsonlog.so');
    expect(setting(janus, 'events', 'disable')).toContain('libjanus_sampleevh.so');
  });

  it('binds the HTTP API to 127.0.0.1 with no admin API and no HTTPS', () => {
    const http = buildJanusConfig(base())['janus.transport.http.jcfg']!;
    expect(setting(http, 'general', 'ip')).toBe('"127.0.0.1"');
    expect(setting(http, 'general', 'port')).toBe('18088');
    expect(setting(http, 'general', 'acl')).toBe('"127.0.0.1"');
    expect(setting(http, 'general', 'https')).toBe('false');
    expect(setting(http, 'admin', 'admin_http')).toBe('false');
    expect(setting(http, 'admin', 'admin_https')).toBe('false');
  });

  it('binds another address only when asked (network-namespace tests)', () => {
    const http = buildJanusConfig(base({ httpBindAddress: '10.77.3.2', httpAcl: ['10.77.3.1'] }))[
      'janus.transport.http.jcfg'
    ]!;
    expect(setting(http, 'general', 'ip')).toBe('"10.77.3.2"');
    expect(setting(http, 'general', 'acl')).toBe('"10.77.3.1"');
  });

  it('defines no mountpoints (the stock samples bind 0.0.0.0)', () => {
    const streaming = buildJanusConfig(base())['janus.plugin.streaming.jcfg']!;
    expect(streaming.match(/^\w[\w-]*: \{/gm)).toEqual(['general: {']);
    expect(streaming).not.toMatch(/rtp-sample|multistream|videoport|audioport|0\.0\.0\.0/);
    expect(setting(streaming, 'general', 'rtp_port_range')).toBe('"20000-40000"');
  });

  it('writes the secrets, random per start', () => {
    const a = base();
    const b = base();
    expect(a.secrets.apiSecret).not.toBe(b.secrets.apiSecret);
    expect(new Set(Object.values(a.secrets)).size).toBe(3);
    const files = buildJanusConfig(a);
    expect(setting(files['janus.jcfg']!, 'general', 'api_secret')).toBe(`"${a.secrets.apiSecret}"`);
    expect(setting(files['janus.jcfg']!, 'general', 'admin_secret')).toBe(`"${a.secrets.adminSecret}"`);
    expect(setting(files['janus.plugin.streaming.jcfg']!, 'general', 'admin_key')).toBe(
      `"${a.secrets.streamingAdminKey}"`,
    );
    expect(files['janus.jcfg']).not.toContain('janusoverlord');
    expect(() => buildJanusConfig(base({ secrets: { ...a.secrets, apiSecret: 'short' } }))).toThrow(
      JanusConfigError,
    );
  });

  it('sets the ICE defaults Vigil relies on', () => {
    const janus = buildJanusConfig(base({ rtpPortRange: { min: 30000, max: 30100 } }))['janus.jcfg']!;
    expect(setting(janus, 'nat', 'ice_nomination')).toBe('"regular"');
    expect(setting(janus, 'nat', 'full_trickle')).toBe('true');
    expect(setting(janus, 'nat', 'ice_lite')).toBe('true');
    expect(setting(janus, 'nat', 'ignore_mdns')).toBe('true');
    expect(setting(janus, 'nat', 'ice_enforce_list')).toBeUndefined();
    expect(setting(janus, 'nat', 'nat_1_1_mapping')).toBeUndefined();
    expect(setting(janus, 'nat', 'stun_server')).toBeUndefined();
    expect(setting(janus, 'media', 'rtp_port_range')).toBe('"30000-30100"');
    expect(setting(janus, 'general', 'interface')).toBeUndefined();
  });

  it('pins the interface, public IP, STUN and TURN from the options', () => {
    const janus = buildJanusConfig(
      base({
        iceInterface: 'eth1',
        sdpIp: '192.168.1.20',
        publicIp: '203.0.113.7',
        stun: { server: 'stun.example.net', port: 3479 },
        turn: { server: 'turn.example.net', type: 'tcp', user: 'vigil', password: 'p"w' },
      }),
    )['janus.jcfg']!;
    expect(setting(janus, 'nat', 'ice_enforce_list')).toBe('"eth1"');
    expect(setting(janus, 'nat', 'ice_ignore_list')).toBeUndefined();
    expect(setting(janus, 'general', 'interface')).toBe('"192.168.1.20"');
    expect(setting(janus, 'nat', 'nat_1_1_mapping')).toBe('"203.0.113.7"');
    expect(setting(janus, 'nat', 'keep_private_host')).toBe('true');
    expect(setting(janus, 'nat', 'stun_server')).toBe('"stun.example.net"');
    expect(setting(janus, 'nat', 'stun_port')).toBe('3479');
    // Reflexive and relayed candidates need full ICE.
    expect(setting(janus, 'nat', 'ice_lite')).toBe('false');
    expect(setting(janus, 'nat', 'turn_server')).toBe('"turn.example.net"');
    expect(setting(janus, 'nat', 'turn_port')).toBe('3478');
    expect(setting(janus, 'nat', 'turn_type')).toBe('"tcp"');
    expect(setting(janus, 'nat', 'turn_user')).toBe('"vigil"');
    expect(setting(janus, 'nat', 'turn_pwd')).toBe('"p\\"w"');
  });

  it('writes an ICE interface given as an address into the SDP too', () => {
    const janus = buildJanusConfig(base({ iceInterface: '192.168.1.20' }))['janus.jcfg']!;
    expect(setting(janus, 'nat', 'ice_enforce_list')).toBe('"192.168.1.20"');
    expect(setting(janus, 'general', 'interface')).toBe('"192.168.1.20"');
  });

  it('finds the address of a named WebRTC interface', () => {
    const eth1 = { netmask: '255.255.255.0', mac: '02:00:00:00:00:01', internal: false, cidr: null };
    const interfaces = {
      eth1: [
        { ...eth1, address: 'fe80::1', family: 'IPv6' as const, scopeid: 2 },
        { ...eth1, address: '192.168.1.20', family: 'IPv4' as const },
      ],
    };
    expect(webrtcInterfaceAddress('eth1', interfaces)).toBe('192.168.1.20');
    expect(webrtcInterfaceAddress('10.0.0.5', interfaces)).toBe('10.0.0.5');
    expect(() => webrtcInterfaceAddress('wlan9', interfaces)).toThrow(JanusConfigError);
  });

  it('refuses settings that cannot work', () => {
    for (const bad of [
      { iceInterface: 'lo' },
      { iceInterface: '127.0.0.1' },
      { iceInterface: 'eth0,eth1' },
      { publicIp: 'example.com' },
      { httpBindAddress: 'localhost' },
      { port: 0 },
      { rtpPortRange: { min: 40000, max: 20000 } },
      { debugLevel: 9 },
    ])
      expect(() => buildJanusConfig(base(bad)), JSON.stringify(bad)).toThrow(JanusConfigError);
  });
});
