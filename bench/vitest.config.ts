import { defineConfig } from 'vitest/config';

// Benchmarks run by hand (`npm run bench:<name>`), never in CI: long, and they print figures, not verdicts.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench-run.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
