import type { Pinia } from 'pinia';
import { watch } from 'vue';
import { createRouter, createWebHistory, type Router, type RouteRecordRaw } from 'vue-router';
import { useLiveSocket } from '../composables/use-live-socket';
import { useAuthStore } from '../stores/use-auth-store';
import { useCamerasStore } from '../stores/use-cameras-store';
import { useServerStore } from '../stores/use-server-store';
import { decideAccess } from './access';

/** Live pages need the camera list before a tile (and so its video) can start: fetch it with the page's code. */
const preloadCameras = (pinia: Pinia, options: { speculative: boolean }) => {
  // A failure is the page's to show (its own load reports it); nothing to do here.
  useCamerasStore(pinia)
    .load(options)
    .catch(() => undefined);
};

const routes: RouteRecordRaw[] = [
  {
    path: '/setup',
    name: 'setup',
    component: () => import('../pages/setup-page.vue'),
    meta: { title: 'Set up' },
  },
  {
    path: '/login',
    name: 'login',
    component: () => import('../pages/login-page.vue'),
    meta: { title: 'Sign in', guestOnly: true },
  },
  {
    path: '/',
    component: () => import('../components/layout/app-shell.vue'),
    meta: { requiresAuth: true },
    children: [
      {
        path: '',
        name: 'home',
        component: () => import('../pages/home-page.vue'),
        meta: { title: 'Overview' },
      },
      {
        path: 'live',
        name: 'live',
        component: () => import('../pages/live-page.vue'),
        meta: { title: 'Live', preload: preloadCameras },
      },
      {
        // Digits only, so the page always gets a usable id; anything else is "page not found".
        path: 'live/:id(\\d+)',
        name: 'live-camera',
        component: () => import('../pages/live-camera-page.vue'),
        props: (route) => ({ id: Number(route.params['id']) }),
        meta: { title: 'Live', preload: preloadCameras },
      },
      {
        path: 'events',
        name: 'events',
        component: () => import('../pages/events-page.vue'),
        meta: { title: 'Events' },
      },
      {
        path: 'events/:id(\\d+)',
        name: 'event',
        component: () => import('../pages/event-page.vue'),
        props: (route) => ({ id: Number(route.params['id']) }),
        meta: { title: 'Event' },
      },
      {
        // Every role plays recordings; without an id the page opens the first camera.
        path: 'recordings/:id(\\d+)?',
        name: 'recordings',
        component: () => import('../pages/recordings-page.vue'),
        props: (route) => ({ id: route.params['id'] ? Number(route.params['id']) : undefined }),
        meta: { title: 'Recordings' },
      },
      {
        // Every role sees who is enrolled; editors and admins also enrol, rename, merge and delete (the page decides).
        path: 'faces',
        name: 'faces',
        component: () => import('../pages/faces-page.vue'),
        meta: { title: 'Faces' },
      },
      {
        // Every role sees the vault's state; only admins get its controls (the page decides, not the route).
        path: 'vault',
        name: 'vault',
        component: () => import('../pages/vault-page.vue'),
        meta: { title: 'Vault' },
      },
      {
        // Every role browses and downloads; editors and admins also change files (the page decides).
        path: 'files',
        name: 'files',
        component: () => import('../pages/files-page.vue'),
        meta: { title: 'Files' },
      },
      {
        path: 'cameras',
        name: 'cameras',
        component: () => import('../pages/cameras-page.vue'),
        meta: { title: 'Cameras', roles: ['admin'], permission: 'manage cameras' },
      },
      {
        path: 'account',
        name: 'account',
        component: () => import('../pages/account-page.vue'),
        meta: { title: 'Account' },
      },
      {
        path: 'users',
        name: 'users',
        component: () => import('../pages/users-page.vue'),
        meta: { title: 'Users', roles: ['admin'], permission: 'manage users' },
      },
      {
        path: 'settings',
        name: 'settings',
        component: () => import('../pages/settings-page.vue'),
        meta: { title: 'Settings', roles: ['admin'], permission: 'change settings' },
      },
    ],
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('../pages/not-found-page.vue'),
    meta: { title: 'Page not found' },
  },
];

/** Loads health and the session once, before the first navigation is decided. */
async function boot(pinia: Pinia): Promise<void> {
  const server = useServerStore(pinia);
  const auth = useAuthStore(pinia);
  // The live socket opens the moment the session is known, not when the app shell has loaded and mounted:
  // a camera page's video request then goes out as soon as its tile exists.
  useLiveSocket(pinia);
  try {
    // Both at once (the first page waits on them); the session only counts once setup is done.
    const session = auth.fetchMe();
    // Awaited only once setup is known to be done; before that its failure is nobody's business.
    session.catch(() => undefined);
    const health = await server.loadHealth();
    if (!health.setupRequired) await session;
  } catch (err) {
    server.setBootError(err);
  }
}

export function createAppRouter(pinia: Pinia): Router {
  const router = createRouter({
    history: createWebHistory(),
    routes,
  });
  const server = useServerStore(pinia);
  const auth = useAuthStore(pinia);
  let booted: Promise<void> | null = null;

  router.beforeEach(async (to) => {
    // The first page's data is fetched along with the session check rather than after it: a page opened
    // straight from a bookmark (a camera on a wall tablet) shows its video a round trip sooner.
    const speculative = booted === null && to.meta.preload !== undefined;
    if (speculative) to.meta.preload?.(pinia, { speculative });
    booted ??= boot(pinia);
    // The page's code loads while the session is checked (the router would only start it afterwards).
    for (const record of to.matched) {
      const component = record.components?.['default'];
      if (typeof component === 'function') void (component as () => Promise<unknown>)();
    }
    await booted;
    // Without the server there is nothing to decide; the app shows the boot error instead of any page.
    if (server.bootError !== null) return true;
    const decision = decideAccess(to, { setupRequired: server.setupRequired, user: auth.user });
    if (decision === true && !speculative) to.meta.preload?.(pinia, { speculative: false });
    return decision;
  });

  router.afterEach((to) => {
    document.title = to.meta.title === undefined ? 'Vigil' : `${to.meta.title} · Vigil`;
  });

  // However the session ends (logout, expiry, revocation), the browser lands on the sign-in page; after an
  // involuntary end it offers to come back to where the user was.
  watch(
    () => auth.user,
    (now, before) => {
      if (now !== null || before === null) return;
      const here = router.currentRoute.value;
      const query = auth.endReason === 'logout' || here.fullPath === '/' ? {} : { redirect: here.fullPath };
      // A superseded navigation resolves with a failure rather than rejecting, and the newer one passes the
      // same guard, so there is nothing to handle here.
      void router.replace({ name: 'login', query });
    },
  );

  return router;
}
