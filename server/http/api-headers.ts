import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';

/**
 * Headers every API answer carries: its request id, and no caching or sniffing. Vault files and camera pictures
 * never land in a browser's disk cache, which is not encrypted. The app's onSend hook adds them; replies that
 * are hijacked (tus, MJPEG, file downloads) skip that hook and write them with `writeHijackedHead`.
 */
export function apiHeaders(request: FastifyRequest): Record<string, string> {
  return { 'x-request-id': request.id, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
}

/** Takes the raw response over from fastify and writes its head: the API's headers, then the reply's own. */
export function writeHijackedHead(request: FastifyRequest, reply: FastifyReply, status: number): void {
  const headers: OutgoingHttpHeaders = { ...apiHeaders(request) };
  for (const [name, value] of Object.entries(reply.getHeaders()))
    if (value !== undefined) headers[name] = value;
  reply.hijack();
  reply.raw.writeHead(status, headers);
}
