import { Pool } from 'pg';
import { SagaStatus } from '../../src/core/status';
import { orderSagaYaml } from '../support/order-saga';
import { SAGA_NAME, hoursAgo, insertSagas } from '../support/retention-rows';
import { type TestEngine, startTestEngine } from '../support/test-engine';

describe('GET /api/sagas with several statuses: one index range per status, merged newest first', () => {
  let engine: TestEngine;
  let pool: Pool;
  const startedAt = new Map<string, number>();

  beforeAll(async () => {
    engine = await startTestEngine({ sagas: { 'order-fulfillment.yaml': orderSagaYaml() } });
    pool = new Pool({ connectionString: engine.database.url, max: 2 });
    const seed = async (status: SagaStatus, hours: number) => {
      const [id] = await insertSagas(pool, {
        status,
        count: 1,
        createdAt: hoursAgo(hours),
        updatedAt: hoursAgo(hours),
      });
      startedAt.set(id!, hours);
    };
    await seed(SagaStatus.running, 3);
    await seed(SagaStatus.suspended, 2);
    await seed(SagaStatus.completed, 1.5);
    await seed(SagaStatus.running, 1);
    await seed(SagaStatus.suspended, 0.5);
  });

  afterAll(async () => {
    await pool?.end();
    await engine?.stop();
  });

  const page = async (query: string) => {
    const { status, body } = await engine.request('GET', `/api/sagas?name=${SAGA_NAME}&${query}`);
    expect(status).toBe(200);
    const items = body.items as Array<{ id: string; status: string }>;
    return {
      hours: items.map((item) => startedAt.get(item.id)),
      statuses: items.map((item) => item.status),
      nextCursor: body.nextCursor as string | null,
    };
  };

  it('pages through the sagas of either status in creation order, leaving the others out', async () => {
    const first = await page('status=RUNNING,SUSPENDED&limit=3');
    expect(first.hours).toEqual([0.5, 1, 2]);
    expect(first.statuses).toEqual(['SUSPENDED', 'RUNNING', 'SUSPENDED']);
    const second = await page(
      `status=RUNNING,SUSPENDED&limit=3&cursor=${encodeURIComponent(first.nextCursor!)}`,
    );
    expect(second.hours).toEqual([3]);
    expect(second.nextCursor).toBeNull();
  });

  it('names a status twice without listing its sagas twice', async () => {
    expect((await page('status=RUNNING&status=RUNNING,COMPLETED')).hours).toEqual([1, 1.5, 3]);
  });
});
