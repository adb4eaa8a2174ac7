// The app itself: Pinia, the router, the live socket, mounted once the first navigation is decided.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './app.vue';
import { useLiveSocket } from './composables/use-live-socket';
import { createAppRouter } from './router';
import './styles/main.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
const router = createAppRouter(pinia);
app.use(router);
// Created here, not in a component, so the socket follows the session for the app's whole life.
useLiveSocket(pinia);

// Mount once the first navigation is decided, so the page never flashes content the guard would redirect.
router
  .isReady()
  .catch((err: unknown) => {
    console.error('The first navigation failed', err);
  })
  .finally(() => {
    app.mount('#app');
  });
