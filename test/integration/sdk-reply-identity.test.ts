import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { type Participant, createParticipant } from 'saga-orchestrator-sdk';
import { type TestVhost, createVhost } from '../support/rabbit-vhost';
import { SdkTestBroker, recordingLogger, testCommand } from '../support/sdk-broker';

const run = promisify(execFile);

/**
 * With `replyUserId`, every message a participant publishes carries the AMQP `userId` of its broker user, which
 * RabbitMQ checks against the connection's user: a message that arrives was stamped truthfully.
 */
describe('participant SDK: replies stamped with the broker user (replyUserId)', () => {
  let vhost: TestVhost;
  let broker: SdkTestBroker;
  const participants: Participant[] = [];
  /** A broker user whose name must be percent-encoded in a URL. */
  const user = { name: `sdk reply+${randomBytes(4).toString('hex')}`, password: randomUUID() };

  beforeAll(async () => {
    vhost = await createVhost('sdk-identity');
    await run('rabbitmqctl', ['add_user', user.name, user.password]);
    await run('rabbitmqctl', ['set_permissions', '-p', vhost.name, user.name, '.*', '.*', '.*']);
    broker = await SdkTestBroker.connect(vhost.url);
  });

  afterAll(async () => {
    await Promise.all(participants.map((participant) => participant.stop()));
    await broker?.close();
    await vhost?.drop();
    await run('rabbitmqctl', ['delete_user', user.name]).catch(() => undefined);
  });

  async function started(name: string, url: string, replyUserId?: boolean): Promise<Participant> {
    const participant = createParticipant({
      url,
      participant: name,
      replyUserId,
      logger: recordingLogger(),
      handlers: {
        Ship: async (_payload, ctx) => {
          await ctx.reportProgress();
          return { shipped: true };
        },
      },
    });
    participants.push(participant);
    await participant.start();
    return participant;
  }

  it('stamps replies, progress reports and dead letters with the URL user', async () => {
    await started('shipping', vhost.url, true);
    const sent = await broker.send('shipping', testCommand('Ship'));

    expect((await broker.progress(sent)).message.properties.userId).toBe('guest');
    const { message, body } = await broker.reply(sent);
    expect(body).toMatchObject({ outcome: 'success', output: { shipped: true } });
    expect(message.properties.userId).toBe('guest');

    const poison = randomUUID();
    await broker.publish('shipping', Buffer.from('not json'), { messageId: poison });
    expect((await broker.deadLetter(poison)).message.properties.userId).toBe('guest');
  });

  it('decodes a percent-encoded user name, which RabbitMQ then accepts as the connection user', async () => {
    const url = new URL(vhost.url);
    url.username = encodeURIComponent(user.name);
    url.password = encodeURIComponent(user.password);
    await started('billing', url.toString(), true);
    const sent = await broker.send('billing', testCommand('Ship'));

    const { message, body } = await broker.reply(sent);
    expect(body).toMatchObject({ outcome: 'success' });
    expect(message.properties.userId).toBe(user.name);
  });

  it('stamps nothing by default', async () => {
    await started('returns', vhost.url);
    const sent = await broker.send('returns', testCommand('Ship'));

    const { message } = await broker.reply(sent);
    expect(message.properties.userId).toBeUndefined();
  });
});
