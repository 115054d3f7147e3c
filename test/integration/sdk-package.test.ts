import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = join(__dirname, '..', '..');
const SDK = join(REPO, 'packages', 'sdk');
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
/** Packing builds the SDK (its `prepack`) and installing reaches the npm registry: minutes, not seconds. */
const SLOW = 10 * 60_000;

/** Compiled twice: as CommonJS (`consumer.cts`) and as an ES module (`consumer.mts`). */
const CONSUMER = `import {
  BusinessError,
  type CommandContext,
  type Participant,
  createMemoryIdempotencyStore,
  createParticipant,
  defineHandler,
} from 'saga-orchestrator-sdk';
import { type Command, commandSchema } from 'saga-orchestrator-sdk/contracts';
import { z } from 'zod';

export function start(url: string): Participant {
  return createParticipant({
    url,
    participant: 'inventory',
    idempotency: createMemoryIdempotencyStore(),
    handlers: {
      ReserveStock: defineHandler({
        payload: z.object({ sku: z.string() }),
        handle: (payload, ctx: CommandContext) => {
          if (payload.sku === '') throw new BusinessError('NO_SKU', 'no sku');
          return { reservationId: ctx.sagaId };
        },
      }),
    },
  });
}

export const parse = (body: unknown): Command => commandSchema.parse(body);
`;

/** Loads both entry points from CommonJS and checks the ES-module ones are the same objects. */
const RUNTIME_CJS = `const sdk = require('saga-orchestrator-sdk');
const contracts = require('saga-orchestrator-sdk/contracts');
process.stdout.write(JSON.stringify({ sdk: Object.keys(sdk).sort(), contracts: Object.keys(contracts).sort() }));
`;
const RUNTIME_ESM = `import * as sdk from 'saga-orchestrator-sdk';
import * as contracts from 'saga-orchestrator-sdk/contracts';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const cjs = require('saga-orchestrator-sdk');
const sameInstances = Object.keys(cjs).filter((name) => name !== '__esModule').every((name) => sdk[name] === cjs[name]);
process.stdout.write(JSON.stringify({
  sdk: Object.keys(sdk).sort(),
  contracts: Object.keys(contracts).sort(),
  sameInstances,
  businessError: new sdk.BusinessError('CODE', 'message') instanceof cjs.BusinessError,
}));
`;

interface InstalledTree {
  packages: Record<string, { version?: string; link?: boolean }>;
}

describe('the saga-orchestrator-sdk package, packed and installed into an empty project', () => {
  let project: string;
  let tarball: string;
  let packedFiles: string[];

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'sdk-consumer-'));
    const packed = await run('npm', ['pack', '--json', '--pack-destination', project], {
      cwd: SDK,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [result] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
      filename: string;
      files: { path: string }[];
    }[];
    tarball = join(project, result!.filename);
    packedFiles = result!.files.map((file) => file.path);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], { cwd: project });
  }, SLOW);

  afterAll(() => rmSync(project, { recursive: true, force: true }));

  function installed(): string[] {
    const tree = JSON.parse(
      readFileSync(join(project, 'node_modules', '.package-lock.json'), 'utf8'),
    ) as InstalledTree;
    return Object.keys(tree.packages)
      .filter((path) => path.startsWith('node_modules/'))
      .map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  }

  it('ships the build and the README only', () => {
    expect(packedFiles).toContain('README.md');
    expect(packedFiles).toContain('dist/esm/index.mjs');
    const unexpected = packedFiles.filter(
      (path) =>
        !['package.json', 'README.md'].includes(path) && !/^dist\/.*\.(js|mjs|d\.ts|d\.mts)$/.test(path),
    );
    expect(unexpected).toEqual([]);
  });

  it('pulls in amqplib, zod and the tracing API, and no TypeORM, Express, NestJS or pg', () => {
    const names = installed();
    process.stdout.write(`saga-orchestrator-sdk installs ${names.length} packages: ${names.join(', ')}\n`);
    expect(names).toEqual(
      expect.arrayContaining(['saga-orchestrator-sdk', 'amqplib', 'zod', '@opentelemetry/api']),
    );
    expect(
      names.filter((name) => /^(typeorm|express|pg|@nestjs\/.*|reflect-metadata|rxjs)$/.test(name)),
    ).toEqual([]);
    expect(names.length).toBeLessThanOrEqual(10);
  });

  it(
    'type-checks a CommonJS and an ES-module consumer',
    async () => {
      writeFileSync(join(project, 'consumer.cts'), CONSUMER);
      writeFileSync(join(project, 'consumer.mts'), CONSUMER);
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ['node'],
            typeRoots: [join(REPO, 'node_modules', '@types')],
          },
          files: ['consumer.cts', 'consumer.mts'],
        }),
      );
      const checked = await run(process.execPath, [TSC, '-p', 'tsconfig.json', '--listFiles'], {
        cwd: project,
      });
      const sdkTypes = checked.stdout
        .split('\n')
        .filter((file) => file.includes('saga-orchestrator-sdk/dist'));
      // The CommonJS consumer resolved the `require` types, the ES-module one the `import` types.
      expect(sdkTypes).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/dist\/sdk\/index\.d\.ts$/),
          expect.stringMatching(/dist\/esm\/index\.d\.mts$/),
          expect.stringMatching(/dist\/esm\/contracts\.d\.mts$/),
        ]),
      );
    },
    SLOW,
  );

  it('loads with require and with import, one instance of every export', async () => {
    writeFileSync(join(project, 'runtime.cjs'), RUNTIME_CJS);
    writeFileSync(join(project, 'runtime.mjs'), RUNTIME_ESM);
    const cjs = JSON.parse((await run(process.execPath, ['runtime.cjs'], { cwd: project })).stdout) as {
      sdk: string[];
      contracts: string[];
    };
    const esm = JSON.parse((await run(process.execPath, ['runtime.mjs'], { cwd: project })).stdout) as {
      sdk: string[];
      contracts: string[];
      sameInstances: boolean;
      businessError: boolean;
    };
    expect(cjs.sdk).toEqual(expect.arrayContaining(['createParticipant', 'subscribe', 'BusinessError']));
    expect(cjs.contracts).toEqual(expect.arrayContaining(['commandSchema', 'replySchema']));
    expect(esm.sdk).toEqual(cjs.sdk.filter((name) => name !== '__esModule'));
    expect(esm.contracts).toEqual(cjs.contracts.filter((name) => name !== '__esModule'));
    expect(esm.sameInstances).toBe(true);
    expect(esm.businessError).toBe(true);
  });
});
