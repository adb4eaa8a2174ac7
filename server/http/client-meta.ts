import type { FastifyRequest } from 'fastify';
import type { ClientMeta } from '../auth/auth.service.js';

export const clientMeta = (request: FastifyRequest): ClientMeta => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'] ?? null,
});

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * True only for a request made on this machine itself. The socket address alone is not enough: behind a
 * reverse proxy on the same host every request arrives from 127.0.0.1, so any forwarding header disqualifies.
 */
export function isDirectLoopback(request: FastifyRequest): boolean {
  const headers = request.headers;
  if (
    headers['x-forwarded-for'] !== undefined ||
    headers.forwarded !== undefined ||
    headers['x-real-ip'] !== undefined
  ) {
    return false;
  }
  return LOOPBACK.test(request.socket.remoteAddress ?? '');
}
