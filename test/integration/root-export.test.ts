import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = join(__dirname, '..', '..');

/** What a program that requires the built package by name sees; it must exit by itself. */
const REQUIRE_EVERYTHING = `
const engine = require('saga-orchestrator');
const viaRoot = require('saga-orchestrator/sdk');
const sdk = require('saga-orchestrator-sdk');
const nestjs = require('saga-orchestrator/sdk/nestjs');
const contracts = require('saga-orchestrator/contracts');
process.stdout.write(JSON.stringify({
  engine: Object.keys(engine).sort(),
  sameSdk: viaRoot.createParticipant === sdk.createParticipant && viaRoot.BusinessError === sdk.BusinessError,
  nestjs: typeof nestjs.SagaParticipantModule,
  contracts: typeof contracts.commandSchema,
}));
`;

describe('the root package export (after npm run build)', () => {
  beforeAll(() => {
    if (!existsSync(join(REPO, 'dist', 'src', 'index.js'))) throw new Error('run npm run build first');
  });

  it('exports the engine without starting it, and re-exports the SDK package', async () => {
    // A server (or a connection attempt) would keep the process alive past the timeout, or fail it on the
    // missing configuration: execFile rejects on either.
    const { stdout } = await run(process.execPath, ['-e', REQUIRE_EVERYTHING], {
      cwd: REPO,
      env: { PATH: process.env.PATH, PORT: '1', DATABASE_URL: 'postgres://nowhere.invalid/none' },
      timeout: 20_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      engine: expect.arrayContaining(['createApplication', 'loadConfig', 'createLogger']),
      sameSdk: true,
      nestjs: 'function',
      contracts: 'object',
    });
  });
});
