import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

const infrastructure = [
  '@nestjs/*',
  'typeorm',
  'amqplib',
  'pg',
  'node:*',
  'fs',
  'path',
  'crypto',
  'yaml',
  'ajv',
];

/** `from` may not be imported by `target` (folders under `root`), except the files in `except`. */
const zone = (target, from, message, except = [], root = './src') => ({
  target: `${root}/${target}`,
  from: `${root}/${from}`,
  except,
  message,
});

/** The folders under src/ (the engine). */
const AREAS = [
  'core',
  'shared',
  'orchestrator',
  'persistence',
  'transport',
  'definitions',
  'api',
  'config',
  'observability',
  'retention',
  'app',
  'bench',
  'demo',
  'cli',
  'simulation',
];

/** Every area but `target` and the ones it may import. */
const allBut = (target, allowed, areas = AREAS) =>
  areas.filter((area) => area !== target && !allowed.includes(area));

/** The folders under packages/sdk/src/ (the participant SDK package). */
const SDK = './packages/sdk/src';
const SDK_AREAS = ['contracts', 'shared', 'messaging', 'sdk', 'sdk-nestjs'];
const sdkZone = (target, from, message) => zone(target, from, message, [], SDK);

/** What an engine area may take from the SDK package: only the subpath `allowed` of `saga-orchestrator-sdk`. */
const sdkPackageOnly = (allowed, message) => ({
  regex: `^saga-orchestrator-sdk(?!/${allowed}$)(/.*)?$`,
  message,
});

/**
 * Which area may import which: the core depends on nothing of the engine; persistence, transport and config
 * reach the orchestrator only through the ports it owns; the API never reaches the app wiring; the SDK package
 * (contracts, shared messaging helpers, SDK, NestJS binding) never reaches the engine, which imports it by name.
 */
const dependencyZones = [
  ...allBut('core', []).map((from) => zone('core', from, 'src/core is pure: it imports only the contracts.')),
  {
    target: SDK,
    from: './src',
    message: 'The SDK package is a library of its own: it never imports the engine.',
  },
  ...allBut('contracts', [], SDK_AREAS).map((from) =>
    sdkZone('contracts', from, 'The contracts depend on nothing else: the SDK and any client share them.'),
  ),
  ...allBut('messaging', ['contracts'], SDK_AREAS).map((from) =>
    sdkZone('messaging', from, 'Shared messaging helpers depend only on amqplib and the contracts.'),
  ),
  ...allBut('shared', [], SDK_AREAS).map((from) =>
    sdkZone('shared', from, 'The shared helpers of the SDK package depend on none of its areas.'),
  ),
  sdkZone(
    'sdk',
    'sdk-nestjs',
    'The SDK imports only the contracts, the shared messaging helpers, its shared helpers and its own files.',
  ),
  ...['persistence', 'transport', 'config', 'definitions', 'observability', 'retention'].map((target) =>
    zone(target, 'orchestrator', `${target} reaches the orchestrator only through its ports.`, [
      './ports.ts',
      './tokens.ts',
    ]),
  ),
  ...['app', 'bench', 'demo', 'cli'].map((from) =>
    zone('api', from, 'The API is wired by the app; it does not reach back into it.'),
  ),
  ...allBut('simulation', ['core']).map((from) =>
    zone(
      'simulation',
      from,
      'The simulation drives the pure core: it imports only the core and the contracts.',
    ),
  ),
  ...allBut('shared', ['core']).map((from) =>
    zone(
      'shared',
      from,
      'src/shared holds helpers every area of the engine may use: it depends on none of them.',
    ),
  ),
];

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'packages/sdk/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: dependencyZones }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: infrastructure, message: 'src/core is pure: no I/O or framework imports.' },
            sdkPackageOnly('contracts', 'src/core imports only the contracts of the SDK package.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/simulation/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: infrastructure, message: 'src/simulation is pure: no I/O or framework imports.' },
            sdkPackageOnly('contracts', 'src/simulation imports only the contracts of the SDK package.'),
          ],
        },
      ],
    },
  },
  {
    files: ['packages/sdk/src/messaging/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // The in-process broker (messaging/in-process) implements messaging's own transport port.
              group: [
                '@nestjs/*',
                'typeorm',
                '../*',
                '!../contracts',
                '!../contracts/*',
                '!../broker-transport',
              ],
              message: 'Shared messaging helpers depend only on amqplib and the contracts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/sdk/src/sdk/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'typeorm'], message: 'The SDK must not depend on NestJS or TypeORM.' },
            {
              group: ['@opentelemetry/*', '!@opentelemetry/api'],
              message: 'The SDK traces through @opentelemetry/api only: the application picks the OTel SDK.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/sdk/src/sdk-nestjs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['typeorm', 'amqplib', 'pg'],
              message: 'The NestJS binding stays thin: the SDK talks to the broker and the database.',
            },
            {
              group: ['../*', '!../sdk', '../sdk/*'],
              message:
                'The NestJS binding imports only @nestjs/* and the SDK through its public entry (../sdk).',
            },
          ],
        },
      ],
    },
  },
);
