import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * bench:files' second baseline: the least a Node HTTP server can do with a file, on the same runtime and cores
 * as Vigil. PUT streams the body into `<dir>/plain.bin` and fsyncs it; GET streams it back. No sessions, no
 * checks, no tus: the gap between this and `dd` is the platform's, the gap between this and Vigil is Vigil's.
 *
 * Run as `node bench/plain-node-server.ts <dir> <port>` (type stripping); prints `ready` once listening.
 */
const [dir = '.', port = '0'] = process.argv.slice(2);
const file = path.join(dir, 'plain.bin');

createServer((request, response) => {
  const answer = async () => {
    if (request.method === 'PUT') {
      await pipeline(request, createWriteStream(file));
      const handle = await open(file, 'r+');
      await handle.sync();
      await handle.close();
      response.writeHead(204).end();
    } else {
      response.writeHead(200, { 'content-length': statSync(file).size });
      await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), response);
    }
  };
  answer().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    response.destroy();
  });
}).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
