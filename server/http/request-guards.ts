import { networkInterfaces, hostname as osHostname } from 'node:os';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const INTERFACE_CACHE_MS = 10_000;

/** The host part of a Host header value, lower-cased, without port, brackets or a trailing dot. */
export function hostnameOf(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  const host = bracketed?.[1] ?? value.replace(/:\d+$/, '');
  return host.replace(/\.$/, '');
}

/**
 * Names the server answers to: localhost, this machine's name (and its .local mDNS name), the configured
 * names, and the addresses it listens on. Anything else is a DNS-rebinding attempt or a misdirected request.
 */
export function createHostAllowList(
  listenHost: string,
  configured: readonly string[],
  machineName = osHostname(),
) {
  const names = new Set(['localhost', '127.0.0.1', '::1', ...configured.map(hostnameOf)]);
  const machine = machineName.toLowerCase();
  if (machine !== '') names.add(machine).add(`${machine}.local`);
  const wildcard = listenHost === '0.0.0.0' || listenHost === '::' || listenHost === '';
  if (!wildcard) names.add(hostnameOf(listenHost));
  let addresses = new Set<string>();
  let addressesAt = -Infinity;
  const interfaceAddresses = (): Set<string> => {
    if (Date.now() - addressesAt > INTERFACE_CACHE_MS) {
      addresses = new Set(
        Object.values(networkInterfaces())
          .flatMap((list) => list ?? [])
          .map((info) => info.address.toLowerCase().replace(/%.*$/, '')),
      );
      addressesAt = Date.now();
    }
    return addresses;
  };
  return (hostHeader: string | undefined): boolean => {
    if (hostHeader === undefined || hostHeader === '') return false;
    const host = hostnameOf(hostHeader);
    return names.has(host) || (wildcard && interfaceAddresses().has(host));
  };
}

function originOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return new URL(value).origin;
  } catch {
    return 'invalid'; // an unparsable Origin/Referer never matches
  }
}

const isUpgrade = (request: FastifyRequest) => request.headers.upgrade?.toLowerCase() === 'websocket';

/**
 * DNS-rebinding and CSRF guards, before anything else runs: the Host must be one of ours, and a
 * state-changing request (or a WebSocket upgrade) that says where it came from must come from our own origin.
 * Requests with neither Origin nor Referer (curl, scripts) carry no ambient browser credentials and pass.
 */
export function registerRequestGuards(
  app: FastifyInstance,
  isAllowedHost: (host: string | undefined) => boolean,
) {
  app.addHook('onRequest', async (request) => {
    const host = request.host;
    if (!isAllowedHost(host)) {
      throw new AppError('HOST_NOT_ALLOWED', 403, 'This server does not answer to that host name.');
    }
    if (SAFE_METHODS.has(request.method) && !isUpgrade(request)) return;
    const claimed = originOf(request.headers.origin) ?? originOf(request.headers.referer);
    if (claimed === undefined) return;
    const own = originOf(`${request.protocol}://${host}`);
    if (claimed !== own) {
      throw new AppError('ORIGIN_MISMATCH', 403, 'Cross-origin requests are not allowed.');
    }
  });
}
