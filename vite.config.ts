import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The front end lives in frontend/ and is built into dist/frontend, which the server serves at `/`.
export default defineConfig({
  root: fileURLToPath(new URL('./frontend', import.meta.url)),
  plugins: [vue()],
  build: {
    outDir: fileURLToPath(new URL('./dist/frontend', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    // `npm run dev:frontend` proxies the API to a server started with `npm run serve`.
    proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } },
  },
});
