import { createServer } from 'node:net';

/**
 * A TCP port free right now on `host`, chosen by the kernel. Another program may take it before the caller
 * binds it; the Janus supervisor picks a new one on every start, so a lost race costs one restart.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
