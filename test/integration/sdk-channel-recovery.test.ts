import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Topology, commandQueueName } from 'saga-orchestrator-sdk/contracts';
import { type Participant, createParticipant } from 'saga-orchestrator-sdk';
import { type TestVhost, createVhost } from '../support/rabbit-vhost';
import { SdkTestBroker, expectQueueDrained, recordingLogger, testCommand } from '../support/sdk-broker';
import { waitFor } from '../support/wait-for';

const run = promisify(execFile);

/**
 * The participant's channel closed by the broker while its connection stays up. No test hook is needed: the
 * participant is made to publish something the broker refuses with a channel error (to an exchange that was
 * deleted, or with the write permission on the default exchange withdrawn), which closes that channel only.
 */
describe('participant SDK: a consumer channel closed by the broker', () => {
  let vhost: TestVhost;
  let broker: SdkTestBroker;
  let warehouse: Participant;
  const logger = recordingLogger();
  let picks = 0;

  beforeAll(async () => {
    vhost = await createVhost('sdk-channel');
    broker = await SdkTestBroker.connect(vhost.url);
    warehouse = createParticipant({
      url: vhost.url,
      participant: 'warehouse',
      logger,
      handlers: {
        PickItems: async (payload) => {
          picks++;
          return { picked: payload.orderId ?? null };
        },
      },
    });
    await warehouse.start();
  });

  afterAll(async () => {
    await warehouse?.stop();
    await broker?.close();
    await vhost?.drop();
  });

  const logged = (message: string) => logger.lines.filter((line) => line.message === message).length;

  async function expectStillServing(): Promise<void> {
    const sent = await broker.send('warehouse', testCommand('PickItems', { payload: { orderId: 'o-ok' } }));
    const { body } = await broker.reply(sent);
    expect(body).toMatchObject({ outcome: 'success', output: { picked: 'o-ok' } });
    await expectQueueDrained(vhost.name, 'warehouse');
  }

  /** Sets guest's permissions on the test vhost: configure, write and read patterns. */
  async function permit(write: string): Promise<void> {
    await run('rabbitmqctl', ['set_permissions', '-p', vhost.name, 'guest', '.*', write, '.*']);
  }

  it('opens another channel on the same connection and handles the message that was in flight', async () => {
    // With the dead-letter exchange gone, dead-lettering this message makes the broker close the channel (404).
    await broker.deleteExchange(Topology.deadLetterExchange);
    const messageId = randomUUID();
    await broker.publish('warehouse', Buffer.from('not json'), { messageId });

    // The new channel declares the topology again, and the redelivered message is dead-lettered this time.
    const { reason } = await broker.deadLetter(messageId);
    expect(reason).toMatch(/not valid JSON/);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'broker channel error',
        fields: { error: expect.stringContaining("NOT_FOUND - no exchange 'sagas.dead-letter'") },
      }),
    );
    expect(logged('the broker closed the consumer channel; opening another')).toBe(1);
    expect(logged('consumer channel opened again')).toBe(1);
    await expectStillServing();
    expect(logged('connected to the broker')).toBe(1);
    expect(logged('broker connection lost; reconnecting')).toBe(0);
  });

  it('dead-letters, unhandled, a command in flight each time its channel closed, at its third delivery', async () => {
    // Every reply goes through the default exchange: without write permission on it, each reply closes the
    // channel (403), and the command is delivered again.
    await permit('^(?!amq\\.default$).*');
    const picksBefore = picks;
    const closedBefore = logged('the broker closed the consumer channel; opening another');
    try {
      const sent = await broker.send('warehouse', testCommand('PickItems', { payload: { orderId: 'o-x' } }));
      const { reason } = await broker.deadLetter(sent.message_id);
      expect(reason).toBe('set aside unread: its channel closed 2 times while it was being handled');
      expect(picks - picksBefore).toBe(2);
      expect(logged('the broker closed the consumer channel; opening another') - closedBefore).toBe(2);
    } finally {
      await permit('.*');
    }
    await expectStillServing();
    expect(logged('broker connection lost; reconnecting')).toBe(0);
  });

  it('opens another channel, declaring its queue again, when the broker cancels the consumer', async () => {
    const openedBefore = logged('consumer channel opened again');
    await broker.deleteQueue(commandQueueName('warehouse'));
    await waitFor('the consumer channel to be opened again', () =>
      logged('consumer channel opened again') > openedBefore ? true : undefined,
    );
    expect(logged('the broker cancelled the consumer; opening another channel')).toBe(1);
    await expectStillServing();
    expect(logged('broker connection lost; reconnecting')).toBe(0);
  });
});
