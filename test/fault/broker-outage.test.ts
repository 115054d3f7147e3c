import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Channel, type ChannelModel, connect } from 'amqplib';
import { FaultRig, report, sleep } from '../support/fault-scenario';
import { faultTimes, replayable } from '../support/fault-seed';
import { countRows } from '../support/invariants';
import { waitFor } from '../support/wait-for';

const rabbitmqctl = (...args: string[]) => promisify(execFile)('rabbitmqctl', args);

describe('RabbitMQ outages under the engine', () => {
  let rig: FaultRig | undefined;

  afterEach(async () => {
    await rabbitmqctl('start_app').catch(() => undefined);
    await rig?.dispose();
    rig = undefined;
  });

  it(
    'connections closed under the engine and participants three times: reconnects, nothing lost',
    replayable(async () => {
      rig = await FaultRig.create(1);
      const starting = rig.startMany('close', 200);
      for (let i = 0; i < 3; i++) {
        await sleep(faultTimes.between(700, 1300));
        await rabbitmqctl('close_all_connections', '-p', rig.vhost.name, 'fault test');
      }
      await starting;
      const tally = await rig.settle();
      report('close_all_connections x3', tally, rig.accepted);

      expect(tally.violations).toEqual([]);
      expect(tally.byStatus).toEqual({ COMPLETED: 150, COMPENSATED: 50 });
      expect(rig.engines[0]!.output.some((line) => line.includes('broker connection lost'))).toBe(true);
    }),
  );

  it(
    'the broker app stopped and started: /health reports the outage, then everything finishes',
    replayable(async () => {
      rig = await FaultRig.create(1);
      const engine = rig.engines[0]!;
      const starting = rig.startMany('stopapp', 200);
      await sleep(800);
      await rabbitmqctl('stop_app');
      const during = await waitFor('/health to report the broker down', async () => {
        const health = await engine.health();
        return health?.status === 503 ? health : undefined;
      });
      expect(during.body).toEqual({ status: 'unavailable', checks: { postgres: 'up', rabbitmq: 'down' } });
      // Sagas are still accepted: their first commands wait in the outbox.
      const accepted = await fetch(`${engine.baseUrl}/api/sagas`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'order-fulfillment', input: { orderId: 'during-outage', amount: 1 } }),
      });
      expect(accepted.status).toBe(201);
      await sleep(1500);
      await rabbitmqctl('start_app');
      await starting;
      const tally = await rig.settle();
      report('rabbitmq stop_app / start_app', tally, rig.accepted + 1);

      expect(tally.violations).toEqual([]);
      expect(tally.byStatus).toEqual({ COMPLETED: 151, COMPENSATED: 50 });
      expect((await engine.health())?.status).toBe(200);
    }),
  );

  it(
    'a flood of poison replies is dead-lettered while sagas keep finishing',
    replayable(async () => {
      rig = await FaultRig.create(1);
      let connection: ChannelModel | undefined;
      try {
        connection = await connect(rig.vhost.url);
        const channel: Channel = await connection.createChannel();
        const starting = rig.startMany('poison', 100);
        for (let i = 0; i < 1000; i++) {
          const content =
            i % 2 === 0 ? `garbage ${i}` : JSON.stringify({ message_id: `p-${i}`, outcome: 'success' });
          channel.sendToQueue('sagas.replies', Buffer.from(content), { persistent: true });
        }
        await starting;
        const tally = await rig.settle();
        report('1000 poison replies', tally, rig.accepted);

        expect(tally.violations).toEqual([]);
        expect(tally.byStatus).toEqual({ COMPLETED: 75, COMPENSATED: 25 });
        const deadLetters = await waitFor('1000 dead letters stored for operators', async () => {
          const stored = await countRows(rig!.database.url, 'dead_letters');
          return stored >= 1000 ? stored : undefined;
        });
        expect(deadLetters).toBe(1000);
      } finally {
        await connection?.close();
      }
    }),
  );
});
