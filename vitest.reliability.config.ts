import { defineConfig } from 'vitest/config';

// `npm run test:reliability`: the built server as a separate process under generated bad requests,
// faults, aborted streams and overload (test/reliability/). Figures: bench/results/reliability.md.
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    maxWorkers: 1,
    pool: 'forks',
    globalSetup: ['test/reliability/print-results.ts'],
  },
});
