import type { JsonObject } from '../contracts/json';
import type { SagaDefinition } from '../core/definition/types';
import {
  SagaKeptChangingError,
  SagaNotFoundError,
  SagaStatusConflictError,
  ValidationFailedError,
} from '../core/errors';
import { abortRefusal, retryRefusal } from '../core/operator-rules';
import { isSagaId } from '../core/saga-id';
import type { SagaState } from '../core/state';
import { SagaStatus } from '../core/status';
import type { Trigger } from '../core/triggers';
import type { SagaStore } from './ports';
import { MAX_WRITE_ROUNDS } from './reply-applier';
import type { SagaCommitter } from './saga-committer';

export interface OperatorOutcome {
  status: SagaStatus;
  /** False when the saga was already compensating: nothing was done. */
  changed: boolean;
}

/** Why an operator's trigger cannot apply to a saga now (a conflict), or null when it can. */
type Refusal = (definition: SagaDefinition, state: SagaState) => string | null;

/** What an operator may do to a saga, through the same decision and commit as everything else. */
export class OperatorActions {
  constructor(
    private readonly store: SagaStore,
    private readonly committer: SagaCommitter,
  ) {}

  /**
   * Resumes a COMPENSATION_FAILED saga (idempotent while it compensates again) or a SUSPENDED one, whose suspended
   * step gets a new attempt; `payload` replaces that step's payload, and only a suspended saga takes one.
   */
  retry(sagaId: string, requestId?: string, payload?: JsonObject): Promise<OperatorOutcome> {
    const trigger: Trigger = { type: 'operator-retry', causationId: requestId ?? sagaId };
    if (payload !== undefined) trigger.payload = payload;
    return this.operate(sagaId, trigger, (_, state) => {
      const refusal = retryRefusal(state);
      if (refusal === null && payload !== undefined && state.status !== SagaStatus.suspended) {
        throw new ValidationFailedError('only a SUSPENDED saga takes a payload on retry', [
          { path: 'payload', message: `saga is ${state.status}: its compensations are sent as they were` },
        ]);
      }
      return refusal;
    });
  }

  /** Stops a RUNNING saga that has not passed its pivot and starts compensating; idempotent while it compensates. */
  abort(sagaId: string, reason: string, requestId?: string): Promise<OperatorOutcome> {
    return this.operate(
      sagaId,
      { type: 'operator-abort', reason, causationId: requestId ?? sagaId },
      abortRefusal,
    );
  }

  /**
   * Applies an operator's trigger to a saga the refusal lets through. A saga already COMPENSATING is left as it is
   * (the request is idempotent); a refused one is a conflict.
   */
  private async operate(sagaId: string, trigger: Trigger, refusalOf: Refusal): Promise<OperatorOutcome> {
    if (!isSagaId(sagaId)) throw new SagaNotFoundError(sagaId);
    for (let round = 1; round <= MAX_WRITE_ROUNDS; round++) {
      const saga = await this.store.read(sagaId);
      if (saga === null) throw new SagaNotFoundError(sagaId);
      await this.committer.prepare([saga]);
      const status = saga.state.status;
      if (status === SagaStatus.compensating) return { status, changed: false };
      const refusal = refusalOf(this.committer.definitionOf(saga), saga.state);
      if (refusal !== null) throw new SagaStatusConflictError(sagaId, status, refusal);
      const plan = this.committer.plan(saga, [trigger]);
      const { written, failed } = await this.committer.commit([plan]);
      const error = failed.get(sagaId);
      if (error !== undefined) throw error;
      if (written.has(sagaId)) return { status: plan.decisions[0]!.state.status, changed: true };
    }
    throw new SagaKeptChangingError(sagaId);
  }
}
