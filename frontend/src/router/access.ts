// Where a navigation may go, as a pure function of the app's state, so the rules are testable without a
// browser. The guard in router/index.ts only gathers the state and applies the answer.
import type { LocationQuery, RouteLocationRaw, RouteMeta } from 'vue-router';
import type { SessionUser } from '../api/types';

export interface AccessTarget {
  name: string | symbol | null | undefined;
  fullPath: string;
  query: LocationQuery;
  meta: RouteMeta;
}

export interface AccessState {
  setupRequired: boolean;
  user: SessionUser | null;
}

function firstQueryValue(query: LocationQuery, key: string): string | undefined {
  const value = query[key];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first !== '' ? first : undefined;
}

/**
 * A post-login destination taken from the `redirect` query, accepted only when it is a path on this origin
 * (not "//evil.example", not "https://…") and not the sign-in or setup page, which would loop.
 */
export function safeRedirect(value: unknown): string {
  const raw = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) {
    return '/';
  }
  if (/^\/(login|setup)(?:[/?#]|$)/.test(raw)) return '/';
  return raw;
}

/** `true` to let the navigation through, or where to send it instead. */
export function decideAccess(to: AccessTarget, state: AccessState): true | RouteLocationRaw {
  if (state.setupRequired) {
    if (to.name === 'setup') return true;
    // Keep the one-time token when the setup link pointed at another page.
    const token = firstQueryValue(to.query, 'token');
    return token === undefined ? { name: 'setup' } : { name: 'setup', query: { token } };
  }
  if (to.name === 'setup') return state.user ? { path: '/' } : { name: 'login' };
  if (to.meta.guestOnly === true && state.user) return { path: safeRedirect(to.query['redirect']) };
  if (to.meta.requiresAuth === true && !state.user) {
    return to.fullPath === '/' ? { name: 'login' } : { name: 'login', query: { redirect: to.fullPath } };
  }
  return true;
}
