import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../api/types';
import { decideAccess, safeRedirect, type AccessTarget } from './access';

const alice: SessionUser = { id: 1, username: 'alice', role: 'admin' };

function target(name: string, fullPath: string, meta: AccessTarget['meta'] = {}, query = {}): AccessTarget {
  return { name, fullPath, meta, query };
}

const home = target('home', '/', { requiresAuth: true });
const users = target('users', '/users?tab=all', { requiresAuth: true, roles: ['admin'] });
const login = target('login', '/login', { guestOnly: true });
const setup = target('setup', '/setup');

describe('decideAccess', () => {
  it('sends everything to setup while setup is required, keeping the token', () => {
    const state = { setupRequired: true, user: null };
    expect(decideAccess(setup, state)).toBe(true);
    expect(decideAccess(home, state)).toEqual({ name: 'setup' });
    expect(decideAccess(target('not-found', '/nope'), state)).toEqual({ name: 'setup' });
    expect(
      decideAccess(target('login', '/login?token=t0k', { guestOnly: true }, { token: 't0k' }), state),
    ).toEqual({
      name: 'setup',
      query: { token: 't0k' },
    });
  });

  it('sends setup away once setup is done', () => {
    expect(decideAccess(setup, { setupRequired: false, user: null })).toEqual({ name: 'login' });
    expect(decideAccess(setup, { setupRequired: false, user: alice })).toEqual({ path: '/' });
  });

  it('asks for sign-in before protected pages, remembering where to go back', () => {
    const state = { setupRequired: false, user: null };
    expect(decideAccess(users, state)).toEqual({ name: 'login', query: { redirect: '/users?tab=all' } });
    expect(decideAccess(home, state)).toEqual({ name: 'login' });
    expect(decideAccess(login, state)).toBe(true);
    expect(decideAccess(target('not-found', '/nope'), state)).toBe(true);
  });

  it('lets a signed-in user through and past the sign-in page', () => {
    const state = { setupRequired: false, user: alice };
    expect(decideAccess(home, state)).toBe(true);
    // Role checks happen in the shell, which shows "no permission" in place.
    expect(decideAccess(users, { setupRequired: false, user: { ...alice, role: 'viewer' } })).toBe(true);
    expect(decideAccess(login, state)).toEqual({ path: '/' });
    expect(
      decideAccess(
        target('login', '/login?redirect=/users', { guestOnly: true }, { redirect: '/users' }),
        state,
      ),
    ).toEqual({ path: '/users' });
  });
});

describe('safeRedirect', () => {
  it('keeps paths on this origin', () => {
    expect(safeRedirect('/users?x=1#top')).toBe('/users?x=1#top');
    expect(safeRedirect(['/account', '/users'])).toBe('/account');
  });

  it('refuses other origins and anything that is not a path', () => {
    for (const value of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'users',
      '',
      null,
      undefined,
      3,
    ]) {
      expect(safeRedirect(value), String(value)).toBe('/');
    }
  });

  it('refuses the sign-in and setup pages, which would loop', () => {
    expect(safeRedirect('/login?redirect=/login')).toBe('/');
    expect(safeRedirect('/setup')).toBe('/');
    expect(safeRedirect('/loginhelp')).toBe('/loginhelp');
  });
});
