import { randomUUID } from 'node:crypto';
import { type Channel, type ChannelModel, connect } from 'amqplib';
import {
  type Command,
  type JsonObject,
  commandSchema,
  replyAnswering,
} from 'saga-orchestrator-sdk/contracts';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

const slowSaga = `
name: slow-report
version: 1
steps:
  - name: build-report
    participant: reports
    action: BuildReport
    timeout: 1500ms
    retry: { attempts: 2, backoff: 50ms }
`;

/** A participant that reports progress (`in_progress`) keeps its attempt alive past the step timeout. */
describe('in_progress reports over the wire', () => {
  let engine: TestEngine;
  let connection: ChannelModel;
  let channel: Channel;

  beforeAll(async () => {
    engine = await startTestEngine({ sagas: { 'slow-report.yaml': slowSaga } });
    connection = await connect(engine.amqpUrl);
    channel = await connection.createChannel();
  });

  afterAll(async () => {
    await connection?.close();
    await engine?.stop();
  });

  function send(
    command: Command,
    outcome: { outcome: 'in_progress' } | { outcome: 'success'; output: JsonObject },
  ): void {
    const reply = replyAnswering(command, {
      message_id: randomUUID(),
      timestamp: new Date().toISOString(),
      ...outcome,
    });
    channel.sendToQueue('sagas.replies', Buffer.from(JSON.stringify(reply)), {
      persistent: true,
      contentType: 'application/json',
      messageId: reply.message_id,
      correlationId: command.message_id,
    });
  }

  it('restarts the attempt timeout on every report; the saga completes on its first attempt', async () => {
    const { body } = await engine.request('POST', '/api/sagas', { name: 'slow-report', input: {} });
    const delivery = await waitFor(
      'the command',
      async () => (await channel.get('sagas.commands.reports')) || undefined,
    );
    channel.ack(delivery);
    const command = commandSchema.parse(JSON.parse(delivery.content.toString()));

    const extensions = async () => {
      const { body: log } = await engine.request('GET', `/api/sagas/${body.id}/events`);
      return log.items.filter((e: { type: string }) => e.type === 'AttemptExtended').length as number;
    };
    // Four reports 500 ms apart keep the attempt alive for longer than its 1.5 s timeout; the margin between
    // a report and the deadline it restarted leaves room for a loaded machine.
    const startedAt = Date.now();
    for (let i = 1; i <= 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      send(command, { outcome: 'in_progress' });
      // Replies are applied concurrently: the final one goes out only after the last report was applied.
      await waitFor(`extension ${i}`, async () => ((await extensions()) >= i ? true : undefined));
    }
    expect(Date.now() - startedAt).toBeGreaterThan(1500);
    send(command, { outcome: 'success', output: { url: 'r-1' } });
    const saga = await waitFor('the saga to complete', async () => {
      const { body: current } = await engine.request('GET', `/api/sagas/${body.id}`);
      return current.status === 'COMPLETED' ? current : undefined;
    });

    expect(saga.steps[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 1, output: { url: 'r-1' } });
    const { body: log } = await engine.request('GET', `/api/sagas/${body.id}/events`);
    const types = log.items.map((e: { type: string }) => e.type);
    expect(types.filter((t: string) => t === 'AttemptExtended')).toHaveLength(4);
    expect(types).not.toContain('StepAttemptTimedOut');
    expect(await channel.checkQueue('sagas.commands.reports')).toMatchObject({ messageCount: 0 });
  });
});
