// The signed-in user. The session itself is an HttpOnly cookie; this store only mirrors who the server says
// we are, so "logged in" means "the last answer from the server named a user".
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, isApiError, onUnauthenticated } from '../api/client';
import type { Role, SessionUser } from '../api/types';

/** Why the session ended, so the sign-in page can say so. */
export type SessionEndReason = 'logout' | 'expired' | 'revoked';

/** Result of asking the server whether the session is still valid. */
export type SessionCheck = 'valid' | 'invalid' | 'unknown';

export const useAuthStore = defineStore('auth', () => {
  const user = ref<SessionUser | null>(null);
  const endReason = ref<SessionEndReason | null>(null);
  // A password change rotates the session cookie; a revocation notice racing it must wait for it to land.
  let credentialChange: Promise<void> | null = null;

  const isAdmin = computed(() => user.value?.role === 'admin');

  function hasRole(roles: readonly Role[] | undefined): boolean {
    if (roles === undefined) return true;
    return user.value !== null && roles.includes(user.value.role);
  }

  function signIn(next: SessionUser): void {
    user.value = next;
    endReason.value = null;
  }

  /** Takes a fresher view of the same user (e.g. a new role from the socket's hello); ignores anyone else. */
  function refresh(next: SessionUser): void {
    if (user.value?.id !== next.id) return;
    if (user.value.role !== next.role || user.value.username !== next.username) user.value = next;
  }

  /** Forgets the user; the router sends the browser to the sign-in page. */
  function clear(reason: SessionEndReason): void {
    endReason.value = reason;
    user.value = null;
  }

  /** Loads the current user; a 401 means "not signed in", any other failure is thrown. */
  async function fetchMe(): Promise<void> {
    try {
      user.value = await api.me();
    } catch (err) {
      if (!isApiError(err) || err.status !== 401) throw err;
      user.value = null;
    }
  }

  async function login(username: string, password: string): Promise<void> {
    signIn(await api.login({ username, password }));
  }

  /** Signs out. A 401 means the session was already gone, which is what we wanted. */
  async function logout(): Promise<void> {
    try {
      await api.logout();
    } catch (err) {
      if (!isApiError(err) || err.status !== 401) throw err;
    }
    clear('logout');
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const change = api.changePassword({ currentPassword, newPassword });
    credentialChange = change;
    try {
      await change;
    } finally {
      if (credentialChange === change) credentialChange = null;
    }
  }

  /** Asks the server whether our cookie still names a session, after any password change in flight. */
  async function verifySession(): Promise<SessionCheck> {
    if (credentialChange) await Promise.allSettled([credentialChange]);
    try {
      const me = await api.me();
      user.value = me;
      return 'valid';
    } catch (err) {
      return isApiError(err) && err.status === 401 ? 'invalid' : 'unknown';
    }
  }

  onUnauthenticated(() => {
    if (user.value) clear('expired');
  });

  return {
    user,
    endReason,
    isAdmin,
    hasRole,
    signIn,
    refresh,
    clear,
    fetchMe,
    login,
    logout,
    changePassword,
    verifySession,
  };
});
