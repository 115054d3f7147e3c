import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApplication } from '../../src/app/application';
import { silentLogger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { orderSagaYaml } from '../support/order-saga';
import { type TestEngine, startTestEngine } from '../support/test-engine';

describe('definition versions stored in PostgreSQL', () => {
  let engine: TestEngine;
  const file = (): string => join(engine.sagasDir, 'order-fulfillment.yaml');
  const changedDescription = 'Changed across inventory, payments and shipping';

  beforeAll(async () => {
    engine = await startTestEngine({ sagas: { 'order-fulfillment.yaml': orderSagaYaml() } });
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('refuses a changed file under an unchanged version, and runs old sagas on their version after a bump', async () => {
    const { body: old } = await engine.request('POST', '/api/sagas', {
      name: 'order-fulfillment',
      input: { orderId: 'v-1', amount: 1 },
    });
    await engine.stopEngine();

    writeFileSync(file(), orderSagaYaml({ description: changedDescription }));
    await expect(createApplication(engine.config, { logger: silentLogger })).rejects.toMatchObject({
      problems: [
        'order-fulfillment.yaml: saga "order-fulfillment" version 1 differs from the stored definition; ' +
          'a changed definition needs a new version',
      ],
    });

    // Comments and formatting are not changes.
    writeFileSync(file(), `# a comment\n${orderSagaYaml().replace('version: 1', 'version:    1')}`);
    await engine.restartEngine();
    await engine.stopEngine();

    writeFileSync(file(), orderSagaYaml({ version: 2, description: changedDescription }));
    await engine.restartEngine();

    const { body: definitions } = await engine.request('GET', '/api/definitions');
    expect(definitions.items).toEqual([
      {
        name: 'order-fulfillment',
        description: changedDescription,
        currentVersion: 2,
        versions: [1, 2],
      },
    ]);
    const { body: fresh } = await engine.request('POST', '/api/sagas', {
      name: 'order-fulfillment',
      input: { orderId: 'v-2', amount: 1 },
    });
    expect(fresh.version).toBe(2);
    const { body: stillOld } = await engine.request('GET', `/api/sagas/${old.id}`);
    expect(stillOld.version).toBe(1);
  });

  it('refuses to start on an invalid file, naming file, path and problem', async () => {
    writeFileSync(join(engine.sagasDir, 'broken.yaml'), 'name: broken\nversion: 1\nsteps: []\n');
    await expect(createApplication(engine.config, { logger: silentLogger })).rejects.toMatchObject({
      problems: ['broken.yaml: steps: must list at least one step'],
    });
  });
});
