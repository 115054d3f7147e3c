import { randomUUID } from 'node:crypto';
import type { Command, Reply } from 'saga-orchestrator-sdk/contracts';
import { SagaKeptChangingError } from '../../../src/core/errors';
import { DefinitionRegistry } from '../../../src/definitions/definition-registry';
import { successReply } from 'saga-orchestrator-sdk/internal/sdk/replies';
import { MemorySagaStore } from '../../support/memory-saga-store';
import { Orchestration } from '../../support/orchestration';
import { RecordingPublisher } from '../../support/recording-publisher';
import { OUTPUTS, orderSaga } from '../core/fixtures';

/** The orchestrator's batching, duplicate handling and conflict retries, on a store without a database. */
describe('orchestration on an in-memory saga store', () => {
  let store: MemorySagaStore;
  let publisher: RecordingPublisher;
  let orchestration: Orchestration;

  beforeEach(() => {
    store = new MemorySagaStore();
    publisher = new RecordingPublisher();
    const definitions = new DefinitionRegistry();
    definitions.add(orderSaga(), true);
    orchestration = new Orchestration({ store, definitions, publisher });
  });

  async function started(orderId: string): Promise<{ id: string; reserve: Command }> {
    const saga = await orchestration.start({ name: 'order-fulfillment', input: { orderId, amount: 10 } });
    return { id: saga.id, reserve: publisher.lastCommandFor(saga.id) };
  }

  const reserved = (command: Command): Reply =>
    successReply(command, OUTPUTS.reserve, { messageId: randomUUID(), now: new Date() });

  it('applies replies to several sagas with one commit, each saga moving on', async () => {
    const sagas = [await started('a'), await started('b'), await started('c')];
    const commitsBefore = store.commits.length;

    const results = await orchestration.handleReplies(sagas.map(({ reserve }) => reserved(reserve)));

    expect(results).toEqual([{ handling: 'applied' }, { handling: 'applied' }, { handling: 'applied' }]);
    expect(store.commits.slice(commitsBefore)).toEqual([
      { kind: 'update', sagaIds: sagas.map(({ id }) => id) },
    ]);
    for (const { id } of sagas) expect(publisher.lastCommandFor(id).type).toBe('ChargePayment');
  });

  it('applies a message once when it comes twice in a batch, and calls the second copy a duplicate', async () => {
    const { id, reserve } = await started('d');
    const reply = reserved(reserve);

    const results = await orchestration.handleReplies([reply, { ...reply }]);

    expect(results).toEqual([{ handling: 'applied' }, { handling: 'duplicate' }]);
    expect(store.eventsOf(id).filter((event) => event.type === 'StepSucceeded')).toHaveLength(1);
  });

  it('recognises a reply applied in an earlier batch, although its saga is cached, and changes nothing', async () => {
    const { id, reserve } = await started('e');
    const reply = reserved(reserve);
    await orchestration.handleReplies([reply]);
    const revision = (await store.read(id))!.revision;

    expect(await orchestration.handleReplies([{ ...reply }])).toEqual([{ handling: 'duplicate' }]);
    expect((await store.read(id))!.revision).toBe(revision);
  });

  it('reads a saga again and applies the reply on it when another engine process moved it on meanwhile', async () => {
    const { id, reserve } = await started('f');
    let moved = false;
    store.beforeCommit = (changes) => {
      if (!moved && changes.some((change) => change.sagaId === id)) {
        moved = true;
        store.bumpRevision(id);
      }
    };
    const commitsBefore = store.commits.length;

    expect(await orchestration.handleReplies([reserved(reserve)])).toEqual([{ handling: 'applied' }]);
    expect(store.commits.length - commitsBefore).toBe(2);
    expect(store.eventsOf(id).map((event) => event.type)).toContain('StepSucceeded');
  });

  it('gives up after five rounds on a saga that keeps changing, and says it may be retried', async () => {
    const { id, reserve } = await started('g');
    store.beforeCommit = () => store.bumpRevision(id);
    const commitsBefore = store.commits.length;

    const [result] = await orchestration.handleReplies([reserved(reserve)]);

    expect(store.commits.slice(commitsBefore)).toEqual(Array(5).fill({ kind: 'update', sagaIds: [id] }));

    expect(result).toEqual({
      handling: 'failed',
      error: expect.any(SagaKeptChangingError),
      refusedValue: false,
    });
    expect(
      result?.handling === 'failed' &&
        result.error instanceof SagaKeptChangingError &&
        result.error.retryable,
    ).toBe(true);
  });

  it('writes the other sagas of a batch one by one when the store refuses a value of one of them', async () => {
    const good = await started('h');
    const bad = await started('i');
    store.refusing.add(bad.id);
    const commitsBefore = store.commits.length;

    const results = await orchestration.handleReplies([reserved(good.reserve), reserved(bad.reserve)]);

    expect(results[0]).toEqual({ handling: 'applied' });
    expect(results[1]).toMatchObject({ handling: 'failed', refusedValue: true });
    expect(store.commits.slice(commitsBefore).map((commit) => commit.sagaIds)).toEqual([
      [good.id, bad.id],
      [good.id],
      [bad.id],
    ]);
  });

  it('reports a reply naming no stored saga, or no saga id at all, as unknown', async () => {
    const { reserve } = await started('j');
    const stranger = { ...reserved(reserve), saga_id: randomUUID() };
    const malformed = { ...reserved(reserve), saga_id: 'not-a-uuid' };

    expect(await orchestration.handleReplies([stranger, malformed])).toEqual([
      { handling: 'unknown-saga' },
      { handling: 'unknown-saga' },
    ]);
  });

  it('writes the starts that arrive during a batch together, one saga per Idempotency-Key', async () => {
    const request = (orderId: string, idempotencyKey?: string) =>
      orchestration.start({ name: 'order-fulfillment', input: { orderId, amount: 1 }, idempotencyKey });
    const commitsBefore = store.commits.length;

    const sagas = await Promise.all([
      request('k-1'),
      request('k-2', 'same-key'),
      request('k-2', 'same-key'),
      request('k-3'),
    ]);

    expect(store.commits.slice(commitsBefore).map((commit) => commit.sagaIds.length)).toEqual([1, 3]);
    expect(sagas[1]!.id).toBe(sagas[2]!.id);
    expect(sagas.map((saga) => saga.created)).toEqual([true, true, false, true]);
    expect(store.sagas.size).toBe(3);
  });
});
