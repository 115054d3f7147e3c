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

/** `from` may not be imported by `target` (folders under src/), except the files in `except`. */
const zone = (target, from, message, except = []) => ({
  target: `./src/${target}`,
  from: `./src/${from}`,
  except,
  message,
});

/** The folders under src/. */
const AREAS = [
  'core',
  'contracts',
  'shared',
  'messaging',
  'orchestrator',
  'persistence',
  'transport',
  'definitions',
  'api',
  'config',
  'observability',
  'retention',
  'app',
  'sdk',
  'sdk-nestjs',
  'bench',
  'demo',
  'cli',
  'simulation',
];

/** Every area but `target` and the ones it may import. */
const allBut = (target, allowed) => AREAS.filter((area) => area !== target && !allowed.includes(area));

/**
 * Which area may import which: the core and the contracts depend on nothing of the engine; persistence,
 * transport and config reach the orchestrator only through the ports it owns; the API never reaches the app
 * wiring; the SDK (and its NestJS binding) stays a library other services import.
 */
const dependencyZones = [
  ...allBut('core', ['contracts']).map((from) =>
    zone('core', from, 'src/core is pure: it imports only the contracts.'),
  ),
  ...allBut('contracts', []).map((from) =>
    zone(
      'contracts',
      from,
      'The contracts depend on nothing of the engine: the SDK and any client share them.',
    ),
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
  ...allBut('sdk', ['contracts', 'messaging', 'shared']).map((from) =>
    zone(
      'sdk',
      from,
      'The SDK imports only the contracts, the shared messaging helpers, src/shared and its own files.',
    ),
  ),
  ...allBut('simulation', ['core', 'contracts']).map((from) =>
    zone(
      'simulation',
      from,
      'The simulation drives the pure core: it imports only the core and the contracts.',
    ),
  ),
  ...allBut('shared', ['core', 'contracts']).map((from) =>
    zone(
      'shared',
      from,
      'src/shared holds helpers every area (and the SDK) may use: it depends on none of them.',
    ),
  ),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
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
        { patterns: [{ group: infrastructure, message: 'src/core is pure: no I/O or framework imports.' }] },
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
          ],
        },
      ],
    },
  },
  {
    files: ['src/messaging/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'typeorm', '../*', '!../contracts', '!../contracts/*'],
              message: 'Shared messaging helpers depend only on amqplib and the contracts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/sdk/**/*.ts'],
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
    files: ['src/sdk-nestjs/**/*.ts'],
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
