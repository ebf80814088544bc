import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The real CLI uses ~1 CPU-s per cold start; two cores cannot run many in parallel.
    maxWorkers: 2,
    pool: 'forks',
  },
});
