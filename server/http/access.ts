import type { FastifyInstance, HTTPMethods, RouteOptions } from 'fastify';
import type { SessionUser, SessionsService } from '../auth/sessions.service.js';
import { ROLES, type Role } from '../db/schema.js';
import { AppError, forbidden, unauthenticated } from '../errors.js';
import { SESSION_COOKIE } from './cookies.js';

/** The least a caller needs to reach a route: no session at all, or a session with at least this role. */
export type Access = 'public' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every route must declare this; a route without it stops the server from starting. */
    access?: Access;
  }
  interface FastifyRequest {
    /** The signed-in user, on routes that are not public. */
    user: SessionUser | null;
  }
}

export const roleAtLeast = (role: Role, least: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(least);

/** A route as registered, for the route × role test and the startup check. */
export interface RegisteredRoute {
  method: HTTPMethods;
  url: string;
  access: Access | undefined;
  websocket: boolean;
}

/**
 * Deny by default: runs in `onRequest`, before any body is read or validated, so an anonymous caller gets
 * 401 and a weaker role 403 whatever it sent. The server refuses to start if any route lacks `access`.
 */
export function registerAccessControl(app: FastifyInstance, sessions: SessionsService): RegisteredRoute[] {
  app.decorateRequest('user', null);
  const options: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    options.push(route);
  });
  const table: RegisteredRoute[] = [];
  app.addHook('onReady', () => {
    const methods = (route: RouteOptions) => (Array.isArray(route.method) ? route.method : [route.method]);
    for (const route of options) {
      for (const method of methods(route)) {
        table.push({
          method,
          url: route.url,
          access: route.config?.access,
          websocket: (route as { websocket?: boolean }).websocket === true,
        });
      }
    }
    const undeclared = table.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.url}`);
    if (undeclared.length > 0) {
      throw new AppError(
        'ROUTE_WITHOUT_ACCESS',
        500,
        `Routes without a declared access: ${undeclared.join(', ')}`,
      );
    }
  });

  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    const access = request.routeOptions.config.access;
    if (access === 'public') return;
    if (access === undefined) throw forbidden('This route declares no access.');
    const token = request.cookies[SESSION_COOKIE];
    request.user = token === undefined ? null : await sessions.resolve(token);
    if (request.user === null) throw unauthenticated();
    if (!roleAtLeast(request.user.role, access)) throw forbidden();
  });
  return table;
}

/** The signed-in user on a non-public route (the access hook guarantees one; this keeps the types honest). */
export function requireUser(request: { user: SessionUser | null }): SessionUser {
  if (request.user === null) throw unauthenticated();
  return request.user;
}

/** Marks every route registered inside `app` (a plugin's own routes, e.g. docs or static files) as public. */
export function markRoutesPublic(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: 'public' };
  });
}
