import type { JsonValue } from 'saga-orchestrator-sdk/contracts';
import { SagaNotFoundError, SagaStatusConflictError } from '../core/errors';
import { isSagaId } from '../core/saga-id';
import { isTerminal } from '../core/status';
import type { SagaStore } from './ports';
import type { SagaStarter, StartedSaga } from './saga-starter';

export interface RerunRequest {
  /** The new saga's input; the old saga's when absent. */
  input?: JsonValue;
  reason?: string;
  /** The acting API key (the first 8 hex digits of its SHA-256), or null on an open API. */
  actor: string | null;
  idempotencyKey?: string;
  requestId?: string;
}

/**
 * Starts a terminal saga again as a new saga of the same name, on the version current now, with the same
 * correlation id: the new saga names the old one (`rerunOf`), and the old one lists it among its reruns.
 */
export class SagaRerun {
  constructor(
    private readonly store: SagaStore,
    private readonly starter: SagaStarter,
  ) {}

  async rerun(sagaId: string, request: RerunRequest): Promise<StartedSaga> {
    if (!isSagaId(sagaId)) throw new SagaNotFoundError(sagaId);
    const saga = await this.store.read(sagaId);
    if (saga === null) throw new SagaNotFoundError(sagaId);
    const { state } = saga;
    if (!isTerminal(state.status)) {
      throw new SagaStatusConflictError(sagaId, state.status, 'be rerun (only a saga that has ended can)');
    }
    return this.starter.start({
      name: state.name,
      input: request.input ?? state.input,
      correlationId: state.correlationId,
      ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: request.idempotencyKey }),
      ...(request.requestId === undefined ? {} : { requestId: request.requestId }),
      ...(state.trace === null ? {} : { trace: state.trace }),
      rerun: { of: sagaId, reason: request.reason ?? null, actor: request.actor },
    });
  }
}
