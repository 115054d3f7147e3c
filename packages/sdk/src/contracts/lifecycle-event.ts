import { z } from 'zod';
import { jsonObjectSchema } from './json';
import { WireLimits } from './limits';
import { replyErrorSchema } from './reply';

const id = () => z.string().min(1).max(WireLimits.maxIdLength);

/** What a lifecycle event on `sagas.events` reports (docs/wire-protocol.md). */
export const LifecycleEventType = {
  sagaStarted: 'SagaStarted',
  stepSucceeded: 'StepSucceeded',
  stepFailed: 'StepFailed',
  stepSkipped: 'StepSkipped',
  sagaCompensating: 'SagaCompensating',
  sagaSuspended: 'SagaSuspended',
  sagaCompleted: 'SagaCompleted',
  sagaCompensated: 'SagaCompensated',
  sagaCompensationFailed: 'SagaCompensationFailed',
} as const;
export type LifecycleEventType = (typeof LifecycleEventType)[keyof typeof LifecycleEventType];

/** A saga's status as an event reports it: the status after the change the event is part of. */
export const sagaStatusSchema = z.enum([
  'RUNNING',
  'COMPENSATING',
  'COMPLETED',
  'COMPENSATED',
  'COMPENSATION_FAILED',
  'SUSPENDED',
]);

/** A compensation that failed for good, as `SagaCompensationFailed` lists it. */
export const compensationErrorSchema = z.object({
  step: id(),
  error: replyErrorSchema.nullable(),
  at: z.string(),
});

/**
 * The body of a lifecycle event the engine publishes to `sagas.events` (docs/wire-protocol.md). `step` names the
 * step the event is about; `output` comes with `StepSucceeded`, `error` with `StepFailed` (and `SagaSuspended`
 * when a failure suspended the saga), `errors` with `SagaCompensationFailed`.
 */
export const lifecycleEventSchema = z.object({
  event_id: id(),
  type: z.enum(LifecycleEventType),
  saga: z.object({ id: id(), name: id(), version: z.number().int().positive() }),
  correlation_id: id(),
  status: sagaStatusSchema,
  step: id().optional(),
  output: jsonObjectSchema.optional(),
  error: replyErrorSchema.optional(),
  errors: z.array(compensationErrorSchema).optional(),
  timestamp: z.string(),
});
export type LifecycleEvent = z.infer<typeof lifecycleEventSchema>;
