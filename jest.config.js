/**
 * `unit` (pure core, no I/O), `integration` (real PostgreSQL and RabbitMQ, with the hostile-input suite),
 * `integration-embedded` (the suites not about RabbitMQ itself, again, with the engine in embedded mode), `ui`
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

/**
 * The integration suites run a second time in embedded mode (PGlite, the in-process broker): those that are not
 * about RabbitMQ itself. The README's testing section lists the others and why they are left out.
 */
const embeddedSuites = [
  'api',
  'auth',
  'definition-language-v2',
  'definition-reload',
  'definition-versions',
  'durable-timers',
  'lifecycle-events',
  'list-by-statuses',
  'openapi',
  'openapi-responses',
  'operator-endpoints',
  'progress',
  'replies',
  'retention',
  'saga-lifecycle',
  'saga-migration',
  'saga-set-aside',
  'security',
  'stats-rollup',
  'stats-window',
  'tracing',
];

module.exports = {
  // The suites mostly wait on the engine, PostgreSQL and RabbitMQ: three at a time finish the run in two thirds of
  // the time one at a time takes on 2 cores (Jest's default there is one). `fault` runs with --runInBand anyway.
  maxWorkers: 3,
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
      displayName: 'integration-embedded',
      testEnvironment: 'node',
      transform,
      // Participants and amqplib connections given an embedded test engine's URL reach its in-process broker.
      moduleNameMapper: {
        ...moduleNameMapper,
        '^saga-orchestrator-sdk$': '<rootDir>/test/support/embedded/sdk-switch.ts',
        '^amqplib$': '<rootDir>/test/support/embedded/amqplib-switch.ts',
      },
      testMatch: embeddedSuites.map((suite) => `<rootDir>/test/integration/${suite}.test.ts`),
      // PGlite's initdb once, copied for each test engine.
      globalSetup: '<rootDir>/test/support/embedded/pglite-template.ts',
      setupFiles: ['<rootDir>/test/support/embedded/embedded-env.ts'],
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
