import { defineConfig } from 'vitest/config';

// Tests beside their code are pure: no PostgreSQL, RabbitMQ or browser. Everything that needs a
// real service lives under test/ and starts with a check that the services are reachable.
const unitTests = [
  'gateway/**/*.test.ts',
  'routing/**/*.test.ts',
  'adapters/**/*.test.ts',
  'schemas/**/*.test.ts',
  'test/architecture/**/*.test.ts',
];

const withServices = {
  globalSetup: ['test/support/global-setup.ts'],
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: unitTests,
          // Pointed at ports where nothing listens, so a unit test that reaches for a service fails.
          env: {
            DATABASE_URL: 'postgres://127.0.0.1:1/none',
            AMQP_URL: 'amqp://127.0.0.1:1',
            TEST_DATABASE_SERVER_URL: 'postgres://127.0.0.1:1',
            TEST_AMQP_URL: 'amqp://127.0.0.1:1',
          },
          exclude: ['node_modules/**'],
          pool: 'forks',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          ...withServices,
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['node_modules/**', 'test/fault/**', 'test/architecture/**', 'test/browser/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Pages driven in Debian's Chromium (playwright-core) against a real gateway on the real stack.
        test: {
          ...withServices,
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
      {
        // The fault-injection suite restarts the machine's PostgreSQL and RabbitMQ, so it runs
        // after every other test (a later group), one file at a time.
        test: {
          ...withServices,
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
