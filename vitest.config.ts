import { defineConfig } from 'vitest/config';

const shared = {
  globalSetup: ['test/support/global-setup.ts'],
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'postbud',
          include: ['**/*.test.ts'],
          exclude: ['node_modules/**', 'test/fault/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The fault-injection suite restarts the machine's PostgreSQL and RabbitMQ, so it runs
        // after every other test (a later group), one file at a time.
        test: {
          ...shared,
          name: 'fault',
          include: ['test/fault/**/*.fault.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
