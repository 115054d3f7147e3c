import type { JsonObject, Reply } from 'saga-orchestrator-sdk/contracts';
import type { SagaDefinition } from './definition/types';
import type { TimerPayload } from './timers';

/** What can happen to a saga. */
export type Trigger =
  | { type: 'reply'; reply: Reply }
  | { type: 'timer'; timer: TimerPayload }
  /**
   * An operator resumes a COMPENSATION_FAILED saga (its failed compensations get a fresh retry budget) or a
   * SUSPENDED one (its suspended step gets a new attempt, with `payload` in place of its payload when given).
   */
  | ({ type: 'operator-retry'; causationId: string; payload?: JsonObject; reason?: string } & Acting)
  /** An operator stops a RUNNING saga: compensation starts now; the reason goes into the log. */
  | ({ type: 'operator-abort'; reason: string; causationId: string } & Acting)
  /**
   * An operator takes a step whose action is running, waiting for a retry or suspended as succeeded with `output`;
   * a late reply to it is ignored and the saga goes on. Changes nothing when `completeStepRefusal` says so.
   */
  | ({
      type: 'operator-complete-step';
      step: string;
      output: JsonObject;
      reason: string;
      causationId: string;
    } & Acting)
  /**
   * An operator takes a step's running or failed compensation as done; a COMPENSATION_FAILED saga goes on
   * compensating the earlier steps. Changes nothing when `completeCompensationRefusal` says so.
   */
  | ({ type: 'operator-complete-compensation'; step: string; reason: string; causationId: string } & Acting)
  /**
   * An operator moves a RUNNING or SUSPENDED saga to another version of its definition (`to`): the steps that
   * started stay as they are, the others come from `to`. Refused (nothing changes) when `migrationRefusals` says so.
   */
  | ({
      type: 'operator-migrate';
      to: SagaDefinition;
      reason: string;
      causationId: string;
    } & Acting);

interface Acting {
  /** The acting API key (the first 8 hex digits of its SHA-256), or null on an open API. */
  actor?: string | null;
}
