import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SagaState } from '../../src/core/state';
import { type TestDatabase, reserveTestDatabase } from './database';
import { EngineProcess } from './engine-process';
import { enginePicks, participantDelays } from './fault-seed';
import { type Tally, checkInvariants, countRows, readSagas } from './invariants';
import { orderSagaYaml } from './order-saga';
import { type TestVhost, createVhost } from './rabbit-vhost';
import { RecordingParticipants } from './recording-participants';
import { waitFor } from './wait-for';

/** The example saga; attempt timeouts longer than any outage the tests cause, quick retries. */
export function faultSagaYaml(version = 1): string {
  return orderSagaYaml({
    version,
    stepTimeout: '20s',
    retry: { attempts: 3, backoff: '100ms' },
    compensationRetry: { attempts: 5, backoff: '100ms' },
  });
}

export const compensableSteps = ['reserve-inventory', 'charge-payment'];

export function expectedStatus(state: SagaState): string {
  const orderId = (state.input as { orderId: string }).orderId;
  return orderId.startsWith('fail-') ? 'COMPENSATED' : 'COMPLETED';
}

/** A database, a vhost, a definitions folder, SDK participants and N engine processes sharing them. */
export class FaultRig {
  readonly engines: EngineProcess[] = [];
  participants!: RecordingParticipants;
  accepted = 0;
  private readonly extraDirs: string[] = [];

  private constructor(
    readonly database: TestDatabase,
    readonly vhost: TestVhost,
    readonly sagasDir: string,
  ) {}

  static async create(instances: number, env: Record<string, string> = {}): Promise<FaultRig> {
    const database = reserveTestDatabase();
    const vhost = await createVhost('fault');
    const sagasDir = mkdtempSync(join(tmpdir(), 'fault-sagas-'));
    writeFileSync(join(sagasDir, 'order-fulfillment.yaml'), faultSagaYaml());
    const rig = new FaultRig(database, vhost, sagasDir);
    for (let i = 0; i < instances; i++) {
      rig.engines.push(
        new EngineProcess(`engine-${i + 1}`, {
          databaseUrl: database.url,
          amqpUrl: vhost.url,
          sagasDir,
          env,
        }),
      );
    }
    // Instances share one database: the first creates it, the others start in parallel and take turns migrating.
    await rig.engines[0]!.start();
    await Promise.all(rig.engines.slice(1).map((engine) => engine.start()));
    rig.participants = new RecordingParticipants(vhost.url, participantDelays);
    await rig.participants.start();
    return rig;
  }

  /**
   * Starts one more engine process on the same database and broker, with a definitions folder of its own holding
   * `files` (a rolling deploy's newer process); the folder goes with the rig.
   */
  async addEngine(label: string, files: Record<string, string>): Promise<EngineProcess> {
    const sagasDir = mkdtempSync(join(tmpdir(), 'fault-sagas-'));
    this.extraDirs.push(sagasDir);
    for (const [file, content] of Object.entries(files)) writeFileSync(join(sagasDir, file), content);
    const engine = new EngineProcess(label, {
      databaseUrl: this.database.url,
      amqpUrl: this.vhost.url,
      sagasDir,
    });
    this.engines.push(engine);
    await engine.start();
    return engine;
  }

  /** One of the running engines, picked at random. */
  liveEngine(): EngineProcess | undefined {
    return enginePicks.pick(this.engines.filter((engine) => engine.running));
  }

  /** Starts one saga, retrying through outages with the same Idempotency-Key until some instance answers 201/200. */
  async startSaga(
    orderId: string,
    deadline = Date.now() + 60000,
    on: () => EngineProcess | undefined = () => this.liveEngine(),
  ): Promise<string> {
    for (;;) {
      const engine = on();
      try {
        if (engine === undefined) throw new Error('no engine running');
        const response = await fetch(`${engine.baseUrl}/api/sagas`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `start-${orderId}` },
          body: JSON.stringify({ name: 'order-fulfillment', input: { orderId, amount: 1 } }),
        });
        if (response.status === 201 || response.status === 200) {
          this.accepted++;
          return ((await response.json()) as { id: string }).id;
        }
        if (response.status < 500)
          throw new Error(`start failed: ${response.status} ${await response.text()}`);
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await sleep(100);
    }
  }

  /** Starts `count` sagas, `concurrency` at a time with a pause after each; every fourth one fails at step 3 and compensates. */
  async startMany(prefix: string, count: number, concurrency = 8, pauseMs = 15): Promise<string[]> {
    const ids: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        const index = next++;
        const orderId = `${index % 4 === 3 ? 'fail-' : ''}${prefix}-${index}`;
        ids.push(await this.startSaga(orderId));
        await sleep(pauseMs);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return ids;
  }

  /** Waits until every saga is terminal and the outbox and timer tables are drained, then counts. */
  async settle(timeoutMs = 90000): Promise<Tally & { outbox: number; timers: number }> {
    await waitFor(
      'every saga to finish and the outbox to drain',
      async () => {
        const sagas = await readSagas(this.database.url);
        const open = [...sagas.values()].filter(
          ({ state }) => !/COMPLETED|COMPENSATED|FAILED/.test(state.status),
        );
        const outbox = await countRows(this.database.url, 'outbox');
        return open.length === 0 && outbox === 0 ? true : undefined;
      },
      timeoutMs,
      250,
    );
    await sleep(300); // let late duplicate deliveries land before counting
    const tally = checkInvariants(
      await readSagas(this.database.url),
      this.participants.deliveries,
      expectedStatus,
      compensableSteps,
    );
    return {
      ...tally,
      outbox: await countRows(this.database.url, 'outbox'),
      timers: await countRows(this.database.url, 'saga_timers'),
    };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.engines.map((engine) => engine.stop('SIGKILL')));
    await this.participants?.stop();
    await this.vhost.drop();
    await this.database.drop();
    for (const dir of [this.sagasDir, ...this.extraDirs]) rmSync(dir, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One line of the fault table printed in the test output. */
export function report(
  fault: string,
  tally: Tally & { outbox: number; timers: number },
  accepted: number,
): void {
  const counts = Object.entries(tally.byStatus)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
  process.stdout.write(
    `FAULT | ${fault} | accepted ${accepted} | ${counts} | redelivered ${tally.redeliveries} | outbox ${tally.outbox} | timers ${tally.timers} | violations ${tally.violations.length}\n`,
  );
}
