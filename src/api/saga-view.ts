import type { StepState, Suspension } from '../core/state';
import type { SagaEventEntity, SagaInstanceEntity } from '../persistence/entities';
import { isSagaId } from '../core/saga-id';
import { isStorableTime } from './bounded-values';
import type { SagaDetail, SagaEvent, SagaSummary, Step } from './responses/saga';
import { type AttemptHistory, attemptHistory } from './saga-history';

/** The API's shape of a saga (docs/rest-api.md): derived from the stored state, nothing internal leaks. */
export function sagaDetailView(
  saga: SagaInstanceEntity,
  events: SagaEventEntity[],
  reruns: string[],
): SagaDetail {
  const state = saga.state;
  const history = attemptHistory(events);
  return {
    ...sagaSummaryView(saga),
    rerunOf: saga.rerunOf,
    reruns,
    input: state.input,
    deadlineAt: state.deadlineAt,
    errors: (state.errors ?? []).map(({ step, error, at }) => ({ step, error, at })),
    suspension: state.suspension ? suspensionView(state.suspension) : null,
    steps: state.steps.map((step) => stepView(step, history)),
  };
}

export function sagaSummaryView(saga: SagaInstanceEntity): SagaSummary {
  return {
    id: saga.id,
    name: saga.name,
    version: saga.version,
    status: saga.status,
    correlationId: saga.correlationId,
    failingStep: saga.failingStep,
    createdAt: saga.createdAt.toISOString(),
    updatedAt: saga.updatedAt.toISOString(),
  };
}

function suspensionView({ step, reason, at, resumeStatus }: Suspension): SagaDetail['suspension'] {
  return { step, reason, at, ...(resumeStatus === undefined ? {} : { resumeStatus }) };
}

function stepView(step: StepState, history: AttemptHistory): Step {
  return {
    name: step.name,
    status: step.status,
    attempts: step.attempts,
    output: step.output,
    error: step.error,
    startedAt: step.startedAt,
    finishedAt: step.finishedAt,
    compensation:
      step.compensation === null
        ? null
        : {
            status: step.compensation.status,
            attempts: step.compensation.attempts,
            error: step.compensation.error,
            startedAt: step.compensation.startedAt,
            finishedAt: step.compensation.finishedAt,
          },
    history: history.get(step.name) ?? [],
  };
}

export function eventView(event: SagaEventEntity): SagaEvent {
  return {
    seq: event.seq,
    type: event.type,
    at: event.at.toISOString(),
    ...(event.step === null ? {} : { step: event.step }),
    data: event.data,
  };
}

export function encodeCursor(saga: SagaInstanceEntity): string {
  return Buffer.from(`${saga.createdAt.toISOString()}|${saga.id}`).toString('base64url');
}

/** The position a cursor names, or null when it is not one this API made (checked, never passed on as is). */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (createdAt === undefined || id === undefined || rest.length > 0 || !isSagaId(id)) return null;
  const date = new Date(createdAt);
  return isStorableTime(date) ? { createdAt: date, id } : null;
}
