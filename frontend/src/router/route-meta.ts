import type { Pinia } from 'pinia';
import type { Role } from '../api/types';

declare module 'vue-router' {
  interface RouteMeta {
    /** Page title, shown as "<title> · Vigil". */
    title?: string;
    /** Only for signed-in users; inherited by child routes. */
    requiresAuth?: boolean;
    /** Only for signed-out visitors (the sign-in page); a signed-in user is sent on. */
    guestOnly?: boolean;
    /** Roles allowed to see the page; others get the "no permission" page in place. Unset: any role. */
    roles?: readonly Role[];
    /** Completes "You don't have permission to …" for users whose role is not in `roles`. */
    permission?: string;
    /**
     * The page's data, started as soon as the page is allowed (in parallel with loading its code). On the app's
     * first page it starts `speculative`ly, with the session check: the data must not need the session known.
     */
    preload?: (pinia: Pinia, options: { speculative: boolean }) => void;
  }
}

export {};
