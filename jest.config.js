/**
 * Two projects. `unit`: the files that need neither PostgreSQL, Redis nor a built dist/, so
 * they start at once (`npm run test:unit`). `integration`: everything else, after a global
 * setup that builds dist/ and a template database (`npm run test:integration`). A new test
 * file is an integration test unless it is listed here.
 */
const UNIT = [
  '<rootDir>/tests/domain/**/*.test.ts',
  '<rootDir>/tests/api/schema.test.ts',
  '<rootDir>/tests/api/error-mapping.test.ts',
  '<rootDir>/tests/docs.test.ts',
  '<rootDir>/tests/config.test.ts',
  '<rootDir>/tests/deploy.test.ts',
  '<rootDir>/tests/realtime/shared-execution.test.ts',
  '<rootDir>/tests/schema/code-validation.test.ts',
  '<rootDir>/tests/realtime/serial-queue.test.ts',
];

const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  setupFiles: ['reflect-metadata'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
  projects: [
    { ...shared, displayName: 'unit', testMatch: UNIT },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/**/*.test.ts', ...UNIT.map((glob) => `!${glob.replace('<rootDir>', '**')}`)],
      // One PostgreSQL for the whole run: a migrated, seeded template database that each
      // API test file clones (CREATE DATABASE … TEMPLATE), so files run in parallel in isolation.
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
    },
  ],
};
