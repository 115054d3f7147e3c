import { createHash } from 'node:crypto';
import type { JsonValue } from 'saga-orchestrator-sdk/contracts';
import { canonicalJson } from '../core/definition/fingerprint';
import {
  DefinitionNotFoundError,
  IdempotencyConflictError,
  SagaNotFoundError,
  ValidationFailedError,
} from '../core/errors';
import type { TraceContext } from '../core/state';
import type { SagaStatus } from '../core/status';
import { type StartParams, startSaga } from '../core/transition';
import { Batcher } from '../shared/batcher';
import type { Clock, IdGenerator } from '../shared/clock';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import type { DefinitionSource, NewSaga, SagaStore } from './ports';
import type { CommitStatement, SagaCommitter, SagaPlan } from './saga-committer';
import { sagaChange } from './saga-change';

export interface StartSagaRequest {
  name: string;
  input: JsonValue;
  correlationId?: string;
  idempotencyKey?: string;
  requestId?: string;
  trace?: TraceContext;
  /** The terminal saga this one reruns, why and who asked. */
  rerun?: StartParams['rerun'];
}

export interface StartedSaga {
  id: string;
  name: string;
  version: number;
  status: SagaStatus;
  /** False when an earlier request with the same Idempotency-Key created it. */
  created: boolean;
}

/**
 * Starts that arrive while one batch is being written are written together, in the next statement. One batch at a
 * time: each statement has a fixed cost (executor start-up, commit, a WAL flush) of about four sagas' worth of
 * work, and a second batch in flight mostly split the waiting starts into smaller statements.
 */
export const START_BATCHES = { parallel: 1, maxBatch: 64 };

/** A start waiting for its batch: `resolve(false)` when its idempotency key was taken. */
interface PendingStart {
  plan: SagaPlan;
  saga: NewSaga;
  resolve(written: boolean): void;
  reject(error: Error): void;
}

export interface SagaStarterDeps {
  store: SagaStore;
  definitions: DefinitionSource;
  committer: SagaCommitter;
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
}

/** Starts sagas: validates the input, decides the first step and writes the new sagas in batches. */
export class SagaStarter {
  private readonly starts: Batcher<PendingStart>;

  constructor(private readonly deps: SagaStarterDeps) {
    this.starts = new Batcher(
      (batch) => this.insertStarts(batch),
      (error) => this.deps.logger.error('could not write a batch of starts', { error: error.message }),
      START_BATCHES,
    );
  }

  async start(request: StartSagaRequest): Promise<StartedSaga> {
    const registered = this.deps.definitions.currentVersion(request.name);
    if (registered === undefined) throw new DefinitionNotFoundError(request.name);
    const problems = registered.validateInput(request.input);
    if (problems.length > 0) {
      throw new ValidationFailedError('input does not match the saga definition', problems);
    }
    const { definition } = registered;
    const id = this.deps.newId();
    const decision = startSaga(
      definition,
      {
        id,
        input: request.input,
        correlationId: request.correlationId ?? id,
        causationId: request.requestId ?? id,
        trace: request.trace ?? null,
        ...(request.rerun === undefined ? {} : { rerun: request.rerun }),
      },
      { now: this.deps.clock.now(), newId: this.deps.newId, random: Math.random },
    );
    const fingerprint = request.idempotencyKey === undefined ? null : requestFingerprint(request);
    const plan: SagaPlan = {
      before: null,
      decisions: [decision],
      setAside: null,
      contexts: [{}],
      change: sagaChange({ sagaId: id, revision: 0, lastSeq: 0 }, [decision]),
    };
    const saga = {
      state: decision.state,
      idempotencyKey: request.idempotencyKey ?? null,
      requestFingerprint: fingerprint,
    };
    const written = await new Promise<boolean>((resolve, reject) =>
      this.starts.add({ plan, saga, resolve, reject }),
    );
    if (!written) return this.startedBefore(request.idempotencyKey!, fingerprint);
    this.deps.logger.info('saga started', this.deps.committer.logScope(decision));
    return {
      id,
      name: definition.name,
      version: definition.version,
      status: decision.state.status,
      created: true,
    };
  }

  /** Writes a batch of new sagas in one statement (one by one if the store refuses a value in it). */
  private async insertStarts(batch: PendingStart[]): Promise<void> {
    const sagaOf = new Map(batch.map((start) => [start.plan, start.saga]));
    const insert: CommitStatement = (plans, confirmed) =>
      this.deps.store.insert(
        plans.map((plan) => sagaOf.get(plan)!),
        plans.map((plan) => plan.change),
        confirmed,
      );
    const { written, failed } = await this.deps.committer.commit(
      batch.map((start) => start.plan),
      insert,
    );
    for (const { plan, resolve, reject } of batch) {
      const error = failed.get(plan.change.sagaId);
      if (error === undefined) resolve(written.has(plan.change.sagaId));
      else reject(error);
    }
  }

  private async startedBefore(key: string, fingerprint: string | null): Promise<StartedSaga> {
    const saga = await this.deps.store.findByIdempotencyKey(key);
    if (saga === null) throw new SagaNotFoundError(key);
    if (saga.requestFingerprint !== fingerprint) throw new IdempotencyConflictError(key);
    return { id: saga.id, name: saga.name, version: saga.version, status: saga.status, created: false };
  }
}

function requestFingerprint(request: StartSagaRequest): string {
  const canonical = canonicalJson({
    name: request.name,
    input: request.input,
    correlationId: request.correlationId ?? null,
    // Only a rerun names the saga it reruns: the fingerprints of plain starts stay as they were.
    ...(request.rerun === undefined ? {} : { rerunOf: request.rerun.of }),
  });
  return createHash('sha256').update(canonical).digest('hex');
}
