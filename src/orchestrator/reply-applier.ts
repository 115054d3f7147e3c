import type { Reply } from 'saga-orchestrator-sdk/contracts';
import { SagaKeptChangingError } from '../core/errors';
import { isSagaId } from '../core/saga-id';
import type {
  ReceivedReply,
  ReplyApplier as ReplyApplierPort,
  ReplyResult,
  SagaStore,
  StoredSaga,
} from './ports';
import type { ReplyAuthorization } from './reply-authorization';
import type { SagaCache } from './saga-cache';
import { type SagaCommitter, type SagaPlan, groupBy } from './saga-committer';

/** How often replies are applied again when their saga changed between the read and the write. */
export const MAX_WRITE_ROUNDS = 5;

export interface ReplyApplierDeps {
  store: SagaStore;
  committer: SagaCommitter;
  cache: SagaCache;
  authorization: ReplyAuthorization;
}

/**
 * Applies a batch of replies with one read and one write for all of them; replies to one saga are applied in the
 * order given. The caller acknowledges each message only after its result is known.
 */
export class ReplyApplier implements ReplyApplierPort {
  constructor(private readonly deps: ReplyApplierDeps) {}

  async apply(batch: ReceivedReply[]): Promise<ReplyResult[]> {
    // Saga ids are stored in lower case; a participant may write them otherwise.
    const replies = batch.map(({ reply }) => ({ ...reply, saga_id: reply.saga_id.toLowerCase() }));
    const userIds = batch.map(({ userId }) => userId);
    const results = new Array<ReplyResult | undefined>(replies.length);
    const firstCopy = new Map<string, number>();
    const copies: Array<[copy: number, first: number]> = [];
    let pending: number[] = [];
    replies.forEach((reply, index) => {
      const first = firstCopy.get(reply.message_id);
      if (!isSagaId(reply.saga_id)) results[index] = { handling: 'unknown-saga' };
      else if (first !== undefined) copies.push([index, first]);
      else {
        firstCopy.set(reply.message_id, index);
        pending.push(index);
      }
    });
    for (let round = 1; pending.length > 0; round++) {
      if (round > MAX_WRITE_ROUNDS) {
        for (const index of pending) {
          const error = new SagaKeptChangingError(replies[index]!.saga_id);
          results[index] = { handling: 'failed', error, refusedValue: false };
        }
        break;
      }
      pending = await this.applyRound({ replies, userIds, results }, pending, round === 1);
    }
    // A second copy of a message in the batch is a duplicate only once the first copy's effect committed.
    for (const [copy, first] of copies) {
      const result = results[first]!;
      results[copy] = result.handling === 'failed' ? result : { handling: 'duplicate' };
    }
    return results as ReplyResult[];
  }

  /**
   * Applies the replies at `indexes`; returns those whose saga changed meanwhile (or that may have been applied
   * before), to apply again after reading their sagas. With `cached`, sagas this engine process wrote last are not
   * read.
   */
  private async applyRound(batch: Round, indexes: number[], cached: boolean): Promise<number[]> {
    const { replies, results } = batch;
    const sagaById = await this.sagasOf(replies, indexes, cached);
    await this.deps.committer.prepare(sagaById.sagas.values());
    const fresh: number[] = [];
    for (const index of indexes) {
      const reply = replies[index]!;
      const saga = sagaById.sagas.get(reply.saga_id);
      if (saga === undefined) results[index] = { handling: 'unknown-saga' };
      else if (sagaById.applied.has(reply.message_id)) results[index] = { handling: 'duplicate' };
      else fresh.push(index);
    }

    const planned: Array<{ plan: SagaPlan; indexes: number[] }> = [];
    for (const [sagaId, group] of groupBy(fresh, (index) => replies[index]!.saga_id)) {
      const plan = this.planReplies(batch, sagaById.sagas.get(sagaId)!, group);
      if (plan !== null) planned.push(plan);
    }

    const { written, failed } = await this.deps.committer.commit(planned.map(({ plan }) => plan));
    const again: number[] = [];
    for (const { plan, indexes: group } of planned) {
      const error = failed.get(plan.change.sagaId);
      if (error !== undefined) {
        const refusedValue = this.deps.store.refusedValue(error);
        for (const index of group) results[index] = { handling: 'failed', error, refusedValue };
      } else if (!written.has(plan.change.sagaId)) {
        again.push(...group);
      } else if (plan.setAside !== null) {
        // Kept as dead letters, to replay once the saga can run again.
        const reason = `saga ${plan.change.sagaId} is set aside: ${plan.setAside}`;
        for (const index of group) results[index] = { handling: 'refused', reason };
      } else {
        group.forEach((index, n) => {
          results[index] = { handling: plan.decisions[n]!.changed ? 'applied' : 'ignored' };
        });
      }
    }
    return again;
  }

  /** The sagas the replies name (from the cache when allowed), and which replies were applied before. */
  private async sagasOf(
    replies: Reply[],
    indexes: number[],
    cached: boolean,
  ): Promise<{ sagas: Map<string, StoredSaga>; applied: Set<string> }> {
    const sagas = new Map<string, StoredSaga>();
    const toRead: Reply[] = [];
    for (const index of indexes) {
      const reply = replies[index]!;
      const saga = cached ? this.deps.cache.get(reply.saga_id) : undefined;
      if (saga === undefined) toRead.push(reply);
      else sagas.set(saga.id, saga);
    }
    if (toRead.length === 0) return { sagas, applied: new Set() };
    const read = await this.deps.store.readForReplies(
      [...new Set(toRead.map((reply) => reply.saga_id))],
      toRead.map((reply) => reply.message_id),
    );
    for (const saga of read.sagas) sagas.set(saga.id, saga);
    return { sagas, applied: new Set(read.applied) };
  }

  /** The plan for one saga's replies, after the reply authorization; null when none is left to apply. */
  private planReplies(
    batch: Round,
    saga: StoredSaga,
    group: number[],
  ): { plan: SagaPlan; indexes: number[] } | null {
    const { replies, userIds, results } = batch;
    const { committer, authorization } = this.deps;
    if (committer.definitionMissing(saga) !== undefined)
      return { plan: committer.plan(saga, []), indexes: group };
    let accepted: number[];
    try {
      const definition = committer.definitionOf(saga);
      accepted = group.filter((index) => {
        const step = definition.steps.find((s) => s.name === replies[index]!.step);
        const refusal = authorization.refusal(step?.participant ?? null, userIds[index] ?? null);
        if (refusal !== null) results[index] = { handling: 'refused', reason: refusal };
        return refusal === null;
      });
    } catch (error) {
      for (const index of group)
        results[index] = { handling: 'failed', error: error as Error, refusedValue: false };
      return null;
    }
    if (accepted.length === 0) return null;
    const groupReplies = accepted.map((index) => replies[index]!);
    try {
      const plan = committer.plan(
        saga,
        groupReplies.map((reply) => ({ type: 'reply', reply })),
        { processedReplies: groupReplies.map((reply) => reply.message_id) },
      );
      return { plan, indexes: accepted };
    } catch (error) {
      // Deciding is deterministic: a reply the decision cannot take would fail the same way every time.
      const reason = `reply cannot be applied: ${(error as Error).message}`;
      for (const index of accepted) results[index] = { handling: 'refused', reason };
      return null;
    }
  }
}

interface Round {
  replies: Reply[];
  userIds: Array<string | null>;
  results: Array<ReplyResult | undefined>;
}
