import type { JsonObject } from 'saga-orchestrator-sdk/contracts';
import type { SagaDefinition } from '../core/definition/types';
import {
  SagaKeptChangingError,
  SagaNotFoundError,
  SagaStatusConflictError,
  StepNotFoundError,
  ValidationFailedError,
} from '../core/errors';
import {
  abortRefusal,
  compensationAlreadySucceeded,
  completeCompensationRefusal,
  completeStepRefusal,
  retryRefusal,
  stepAlreadySucceeded,
} from '../core/operator-rules';
import { isSagaId } from '../core/saga-id';
import type { SagaState } from '../core/state';
import { SagaStatus } from '../core/status';
import type { Trigger } from '../core/triggers';
import type { SagaStore } from './ports';
import { MAX_WRITE_ROUNDS } from './reply-applier';
import type { SagaCommitter } from './saga-committer';

export interface OperatorOutcome {
  status: SagaStatus;
  /** False when what was asked was already in effect: nothing was done. */
  changed: boolean;
}

/** Who acts and why: the request id (the commands' causation id), the acting key's fingerprint, the reason. */
export interface OperatorRequest {
  requestId?: string;
  /** The acting API key (the first 8 hex digits of its SHA-256), or null on an open API. */
  actor?: string | null;
  reason?: string;
}

/** How an operator action judges a saga before deciding: already in effect (200), refused (409), or go. */
interface ActionRules {
  inEffect(state: SagaState): boolean;
  /** Why it cannot apply now (a conflict), or null when it can. */
  refusal(definition: SagaDefinition, state: SagaState): string | null;
}

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
  retry(sagaId: string, request: OperatorRequest = {}, payload?: JsonObject): Promise<OperatorOutcome> {
    const trigger: Trigger = { type: 'operator-retry', ...this.acting(sagaId, request) };
    if (request.reason !== undefined) trigger.reason = request.reason;
    if (payload !== undefined) trigger.payload = payload;
    return this.operate(sagaId, trigger, {
      inEffect: (state) => state.status === SagaStatus.compensating,
      refusal: (_, state) => {
        const refusal = retryRefusal(state);
        if (refusal === null && payload !== undefined && state.status !== SagaStatus.suspended) {
          throw new ValidationFailedError('only a SUSPENDED saga takes a payload on retry', [
            { path: 'payload', message: `saga is ${state.status}: its compensations are sent as they were` },
          ]);
        }
        return refusal;
      },
    });
  }

  /** Stops a RUNNING saga that has not passed its pivot and starts compensating; idempotent while it compensates. */
  abort(sagaId: string, reason: string, request: OperatorRequest = {}): Promise<OperatorOutcome> {
    return this.operate(
      sagaId,
      { type: 'operator-abort', reason, ...this.acting(sagaId, request) },
      { inEffect: (state) => state.status === SagaStatus.compensating, refusal: abortRefusal },
    );
  }

  /**
   * Takes a step whose action is running, waiting for a retry or suspended as succeeded with `output`; the saga
   * goes on. Idempotent once the step succeeded; an unknown step is not found.
   */
  completeStep(
    sagaId: string,
    step: string,
    output: JsonObject,
    request: OperatorRequest & { reason: string },
  ): Promise<OperatorOutcome> {
    return this.operate(
      sagaId,
      {
        type: 'operator-complete-step',
        step,
        output,
        reason: request.reason,
        ...this.acting(sagaId, request),
      },
      {
        inEffect: (state) => stepAlreadySucceeded(state, step),
        refusal: (_, state) => completeStepRefusal(state, step),
      },
      step,
    );
  }

  /**
   * Takes a step's running or failed compensation as done; a COMPENSATION_FAILED saga goes on compensating.
   * Idempotent once the compensation succeeded; an unknown step is not found.
   */
  completeCompensation(
    sagaId: string,
    step: string,
    request: OperatorRequest & { reason: string },
  ): Promise<OperatorOutcome> {
    return this.operate(
      sagaId,
      {
        type: 'operator-complete-compensation',
        step,
        reason: request.reason,
        ...this.acting(sagaId, request),
      },
      {
        inEffect: (state) => compensationAlreadySucceeded(state, step),
        refusal: (_, state) => completeCompensationRefusal(state, step),
      },
      step,
    );
  }

  private acting(sagaId: string, request: OperatorRequest): { causationId: string; actor: string | null } {
    return { causationId: request.requestId ?? sagaId, actor: request.actor ?? null };
  }

  /**
   * Applies an operator's trigger to a saga the rules let through: what is already in effect is left as it is
   * (the request is idempotent); a refused one is a conflict; a `step` the saga does not have is not found.
   */
  private async operate(
    sagaId: string,
    trigger: Trigger,
    rules: ActionRules,
    step?: string,
  ): Promise<OperatorOutcome> {
    if (!isSagaId(sagaId)) throw new SagaNotFoundError(sagaId);
    for (let round = 1; round <= MAX_WRITE_ROUNDS; round++) {
      const saga = await this.store.read(sagaId);
      if (saga === null) throw new SagaNotFoundError(sagaId);
      if (step !== undefined && !saga.state.steps.some((candidate) => candidate.name === step)) {
        throw new StepNotFoundError(sagaId, step);
      }
      await this.committer.prepare([saga]);
      const status = saga.state.status;
      if (rules.inEffect(saga.state)) return { status, changed: false };
      const refusal = rules.refusal(this.committer.definitionOf(saga), saga.state);
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
