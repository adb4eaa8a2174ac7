import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// The tiers, each a vitest project: unit tests beside the code, integration tests on the real app with a real
// SQLite file, media tests on real GStreamer and Janus, e2e tests that drive the built app in Debian's Chromium, and
// vault tests in a QEMU guest with a dm-crypt kernel.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{server,media,inference,migrations,scripts,appliance}/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'frontend',
          include: ['frontend/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'media',
          include: ['tests/media/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The converted models against TensorFlow.js, and what they find in real pictures (real onnxruntime).
          name: 'models',
          include: ['tests/inference/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // LUKS mappings, mkfs and mounts in a QEMU guest (tests/vault/guest.ts); one guest per file.
          name: 'vault',
          include: ['tests/vault/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
