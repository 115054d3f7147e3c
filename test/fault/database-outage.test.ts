import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { FaultRig, report, sleep } from '../support/fault-scenario';
import { faultTimes, replayable } from '../support/fault-seed';
import { waitFor } from '../support/wait-for';

const run = promisify(execFile);

async function terminateConnections(databaseName: string): Promise<number> {
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    const result = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [databaseName],
    );
    return result.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

async function restartPostgres(): Promise<void> {
  const [version] = readdirSync('/etc/postgresql');
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version!, 'main', 'restart']);
}

describe('PostgreSQL outages under the engine', () => {
  let rig: FaultRig | undefined;

  afterEach(async () => {
    await rig?.dispose();
    rig = undefined;
  });

  it(
    'connections terminated (pg_terminate_backend) three times: reconnects, nothing lost',
    replayable(async () => {
      rig = await FaultRig.create(1);
      const starting = rig.startMany('terminate', 200);
      let terminated = 0;
      for (let i = 0; i < 3; i++) {
        await sleep(faultTimes.between(600, 1200));
        terminated += await terminateConnections(rig.database.name);
      }
      await starting;
      const tally = await rig.settle();
      report('pg_terminate_backend x3', tally, rig.accepted);

      expect(terminated).toBeGreaterThan(0);
      expect(tally.violations).toEqual([]);
      expect(tally.byStatus).toEqual({ COMPLETED: 150, COMPENSATED: 50 });
    }),
  );

  it(
    'PostgreSQL restarted: /health reports it, then every saga finishes',
    replayable(async () => {
      rig = await FaultRig.create(1);
      const engine = rig.engines[0]!;
      const starting = rig.startMany('pgrestart', 200);
      await sleep(800);
      const health = waitFor(
        '/health to report the database down',
        async () => {
          const current = await engine.health();
          return current?.status === 503 ? current : undefined;
        },
        20000,
        10,
      );
      let acceptedProbes = 0;
      const refused = waitFor(
        'a start to be refused with 503 while the database is down',
        async () => {
          const response = await fetch(`${engine.baseUrl}/api/sagas`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              name: 'order-fulfillment',
              input: { orderId: `down-${Date.now()}`, amount: 1 },
            }),
          });
          if (response.status === 201) acceptedProbes++;
          return response.status === 503 ? await response.json() : undefined;
        },
        20000,
        10,
      );
      await restartPostgres();
      expect((await health).body).toMatchObject({ checks: { postgres: 'down' } });
      expect(await refused).toMatchObject({ error: 'UNAVAILABLE' });
      await starting;
      const tally = await rig.settle();
      report('postgres restart', tally, rig.accepted + acceptedProbes);

      expect(tally.violations).toEqual([]);
      expect(tally.byStatus).toEqual({ COMPLETED: 150 + acceptedProbes, COMPENSATED: 50 });
      await waitFor('/health to recover', async () =>
        (await engine.health())?.status === 200 ? true : undefined,
      );
    }),
  );
});
