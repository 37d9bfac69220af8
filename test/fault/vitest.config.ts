import { defineConfig } from 'vitest/config';

/**
 * The fault-injection suite restarts the machine's PostgreSQL and RabbitMQ, so it runs alone,
 * after the other tests, one file at a time.
 */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/fault/**/*.fault.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
