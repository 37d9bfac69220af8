import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    // The fault-injection suite restarts PostgreSQL and RabbitMQ: it runs alone, after these.
    exclude: ['node_modules/**', 'test/fault/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
