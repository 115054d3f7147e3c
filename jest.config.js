/**
 * `unit` (pure core, no I/O), `integration` (real PostgreSQL and RabbitMQ, with the hostile-input suite), `ui`
 * (the operator page in Chromium against a real engine) and `fault` (processes, kills, outages).
 */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };

/** The SDK package runs from its sources (as tsconfig.json's `paths` type-check them): no build needed first. */
const moduleNameMapper = {
  '^saga-orchestrator-sdk$': '<rootDir>/packages/sdk/src/sdk/index.ts',
  '^saga-orchestrator-sdk/nestjs$': '<rootDir>/packages/sdk/src/sdk-nestjs/index.ts',
  '^saga-orchestrator-sdk/contracts$': '<rootDir>/packages/sdk/src/contracts/index.ts',
  '^saga-orchestrator-sdk/internal/(.*)$': '<rootDir>/packages/sdk/src/$1',
};

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/hostile/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-timeout.ts'],
    },
    {
      // The page is built from ui/ first, so the tests never open a stale build.
      displayName: 'ui',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/ui/**/*.test.ts'],
      globalSetup: '<rootDir>/test/ui/build-page.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-timeout.ts'],
    },
    {
      // Real processes, real signals, broker and database outages: run alone (--runInBand), after the rest.
      displayName: 'fault',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/fault/**/*.test.ts'],
      setupFilesAfterEnv: [
        '<rootDir>/test/support/fault-timeout.ts',
        '<rootDir>/test/support/fault-seed-report.ts',
      ],
    },
  ],
};
