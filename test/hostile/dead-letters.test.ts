import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { HostileBench } from '../support/hostile';
import { testCommand } from '../support/sdk-broker';
import { waitFor } from '../support/wait-for';

describe('hostile dead letters', () => {
  let bench: HostileBench;
  let database: Client;

  beforeAll(async () => {
    bench = await HostileBench.start();
    database = new Client({ connectionString: bench.engine.database.url });
    await database.connect();
  });

  afterAll(async () => {
    await database?.end();
    await bench?.stop();
  });

  /** A dead letter as the archive stores it, said to come from `exchange` with `routingKey`. */
  async function storedLetter(
    exchange: string,
    routingKey: string,
    content = Buffer.from('{}'),
  ): Promise<string> {
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO dead_letters (message_id, reason, original_exchange, original_routing_key, properties, content)
       VALUES ($1, 'test', $2, $3, $4, $5) RETURNING id`,
      [randomUUID(), exchange, routingKey, JSON.stringify({ userId: 'someone-else', headers: {} }), content],
    );
    return rows[0]!.id;
  }

  it.each([
    [
      'an exchange that does not exist',
      'no-such-exchange',
      'x',
      'only messages to sagas.commands or sagas.replies',
    ],
    [
      'the default exchange to another queue',
      '',
      'sagas.commands.inventory',
      'only messages to sagas.commands',
    ],
    [
      'a participant whose queue does not exist',
      'sagas.commands',
      'ghost',
      'queue sagas.commands.ghost does not exist',
    ],
  ])('answers 409 to a replay to %s, and keeps its channels', async (_, exchange, routingKey, message) => {
    const id = await storedLetter(exchange, routingKey);
    const response = await bench.engine.request('POST', `/api/dead-letters/${id}/replay`);

    expect(response.status).toBe(409);
    expect(response.body.error).toBe('DEAD_LETTER_NOT_REPLAYABLE');
    expect(response.body.message).toContain(message);
    expect((await bench.engine.request('GET', `/api/dead-letters/${id}`)).status).toBe(200);
    await bench.expectWhole();
  });

  it('replays to a participant queue without the user_id it came with', async () => {
    const command = testCommand('ReserveInventory');
    const id = await storedLetter('sagas.commands', 'inventory', Buffer.from(JSON.stringify(command)));
    expect((await bench.engine.request('POST', `/api/dead-letters/${id}/replay`)).status).toBe(202);
    await waitFor('the participant to receive the replayed command', () =>
      bench.commandsOf(command.saga.id).length === 1 ? true : undefined,
    );
    await bench.expectWhole();
  });

  it('keeps the first 16 MiB of a larger dead letter, and says so in its reason', async () => {
    const messageId = `huge-${randomUUID()}`;
    await bench.publishDeadLetter(Buffer.alloc(17 * 1024 * 1024, 0x62), {
      messageId,
      headers: { 'x-saga-error': 'too big' },
    });
    const reasons = await bench.deadLetterReasons([messageId], 60_000);
    expect(reasons.get(messageId)).toBe(
      `too big (content cut to its first 16777216 of ${17 * 1024 * 1024} bytes)`,
    );
    const { rows } = await database.query<{ bytes: number }>(
      'SELECT octet_length(content) AS bytes FROM dead_letters WHERE message_id = $1',
      [messageId],
    );
    expect(rows[0]!.bytes).toBe(16 * 1024 * 1024);
  });

  it('lists the first 4 KiB of each message and gives the whole one by id', async () => {
    const big = Buffer.alloc(100_000, 0x61);
    const id = await storedLetter('', 'sagas.replies', big);
    const { body: page } = await bench.engine.request('GET', '/api/dead-letters?limit=500');
    const listed = page.items.find((item: { id: string }) => item.id === id);
    expect(listed.content).toHaveLength(4096);
    expect(listed.truncated).toBe(true);
    expect(listed.contentBytes).toBe(100_000);

    const { body: whole } = await bench.engine.request('GET', `/api/dead-letters/${id}`);
    expect(whole.content).toHaveLength(100_000);
    expect(whole.truncated).toBe(false);
  });
});
