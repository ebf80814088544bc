import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The reliability suite has its own config and command (`npm run test:reliability`).
    exclude: [...configDefaults.exclude, 'test/reliability/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The real CLI uses ~1 CPU-s per cold start; two cores cannot run many in parallel.
    maxWorkers: 2,
    pool: 'forks',
    // The last line of the run says how many tests were skipped and why (a missing redis-server, tmux).
    reporters: ['default', './test/support/skip-reporter.ts'],
  },
});
