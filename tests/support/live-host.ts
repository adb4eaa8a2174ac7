import { createNetns, type TestNetns } from './netns.js';
import { startBuiltServer, type ServerProcess } from './server-process.js';

const ADMIN = { username: 'owner', password: 'owner passphrase 2026' };

export interface LiveHost {
  netns: TestNetns;
  server: ServerProcess;
  /** The admin's session cookie, name=value. */
  cookie: string;
  /** A JSON API call as the admin. */
  api(method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Signs a user in and returns their cookie, name=value. */
  login(username: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A Vigil with cameras on, in a network namespace of its own (Janus gathers no loopback candidates, and tests
 * never use the machine's external interface), set up with an admin who is signed in. Reached over the veth.
 */
export async function startLiveHost(env: Record<string, string> = {}): Promise<LiveHost> {
  const netns = await createNetns();
  try {
    const server = await startBuiltServer(
      { VIGIL_MEDIA: 'on', VIGIL_WEBRTC_INTERFACE: netns.nsIp, ...env },
      'http',
      {
        prefix: netns.exec,
        host: netns.nsIp,
      },
    );
    const post = (url: string, body: unknown) =>
      fetch(`${server.url}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // Not loopback from the server's point of view: setup needs the one-time token it printed.
    const token = /\/setup\?token=([A-Za-z0-9_-]+)/.exec(server.output())?.[1];
    if ((await post('/api/setup', { ...ADMIN, token })).status !== 201) throw new Error('setup failed');
    const login = async (username: string, password: string) => {
      const response = await post('/api/auth/login', { username, password });
      const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      if (!cookie.startsWith('vigil_session='))
        throw new Error(`login as ${username} failed: ${response.status}`);
      return cookie;
    };
    const cookie = await login(ADMIN.username, ADMIN.password);
    return {
      netns,
      server,
      cookie,
      login,
      api: async (method, url, body) => {
        const response = await fetch(`${server.url}${url}`, {
          method,
          headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const answer: unknown = await response.json().catch(() => null);
        return { status: response.status, body: answer };
      },
      stop: async () => {
        await server.stop().catch(() => undefined);
        await netns.destroy();
      },
    };
  } catch (error) {
    await netns.destroy();
    throw error;
  }
}

/** Puts a name=value cookie into a browser context for the host's URL. */
export function cookieFor(host: LiveHost, cookie: string) {
  const [name = '', value = ''] = cookie.split('=');
  return { name, value, url: host.server.url };
}
