import { SagaKeptChangingError, SagaNotFoundError, SagaStatusConflictError } from '../core/errors';
import { isSagaId } from '../core/saga-id';
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

/** What an operator may do to a saga, through the same decision and commit as everything else. */
export class OperatorActions {
  constructor(
    private readonly store: SagaStore,
    private readonly committer: SagaCommitter,
  ) {}

  /** Resumes a COMPENSATION_FAILED saga; idempotent while it compensates again. */
  retry(sagaId: string, requestId?: string): Promise<OperatorOutcome> {
    return this.operate(
      sagaId,
      { type: 'operator-retry', causationId: requestId ?? sagaId },
      { from: SagaStatus.compensationFailed, action: 'be retried (only COMPENSATION_FAILED sagas can)' },
    );
  }

  /** Stops a RUNNING saga and starts compensating; idempotent while it compensates. */
  abort(sagaId: string, reason: string, requestId?: string): Promise<OperatorOutcome> {
    return this.operate(
      sagaId,
      { type: 'operator-abort', reason, causationId: requestId ?? sagaId },
      { from: SagaStatus.running, action: 'be aborted (only RUNNING sagas can)' },
    );
  }

  /**
   * Applies an operator's trigger to a saga in status `from`. A saga already COMPENSATING is left as it is (the
   * request is idempotent); any other status is a conflict.
   */
  private async operate(
    sagaId: string,
    trigger: Trigger,
    rule: { from: SagaStatus; action: string },
  ): Promise<OperatorOutcome> {
    if (!isSagaId(sagaId)) throw new SagaNotFoundError(sagaId);
    for (let round = 1; round <= MAX_WRITE_ROUNDS; round++) {
      const saga = await this.store.read(sagaId);
      if (saga === null) throw new SagaNotFoundError(sagaId);
      const status = saga.state.status;
      if (status === SagaStatus.compensating) return { status, changed: false };
      if (status !== rule.from) throw new SagaStatusConflictError(sagaId, status, rule.action);
      const plan = this.committer.plan(saga, [trigger]);
      const { written, failed } = await this.committer.commit([plan]);
      const error = failed.get(sagaId);
      if (error !== undefined) throw error;
      if (written.has(sagaId)) return { status: plan.decisions[0]!.state.status, changed: true };
    }
    throw new SagaKeptChangingError(sagaId);
  }
}
