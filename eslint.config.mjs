import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

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
              group: [
                '../*',
                '!../contracts',
                '!../contracts/*',
                '!../messaging',
                '!../messaging/*',
                '!../persistence',
                '../persistence/*',
                '!../persistence/pg-transaction',
              ],
              message:
                'The SDK imports only the contracts, the shared messaging helpers and the pg transaction helper.',
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
