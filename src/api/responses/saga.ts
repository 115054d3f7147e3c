import { z } from 'zod';
import { jsonObjectResponseSchema, jsonValueResponseSchema } from './json';
import { replyErrorSchema } from 'saga-orchestrator-sdk/contracts';
import { SagaEventType } from '../../core/events';
import { CompensationStatus, SagaStatus, StepStatus } from '../../core/status';

export const sagaStatusSchema = z.enum(SagaStatus);
export const sagaIdSchema = z.uuid();

/** A saga in a listing. */
export const sagaSummarySchema = z.object({
  id: sagaIdSchema,
  name: z.string(),
  version: z.number().int(),
  status: sagaStatusSchema,
  correlationId: z.string(),
  failingStep: z
    .string()
    .nullable()
    .describe(
      'the step whose failure (or the deadline, or an abort) started compensation, or the step a SUSPENDED saga waits on',
    ),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type SagaSummary = z.infer<typeof sagaSummarySchema>;

export const sagaPageSchema = z.object({
  items: z.array(sagaSummarySchema),
  nextCursor: z.string().nullable(),
});
export type SagaPage = z.infer<typeof sagaPageSchema>;

export const attemptOutcomeSchema = z.enum(['pending', 'success', 'failure', 'timeout', 'abandoned']);
export type AttemptOutcome = z.infer<typeof attemptOutcomeSchema>;

/** One attempt of a step's action or compensation, read back from the saga log. */
export const attemptSchema = z.object({
  kind: z.enum(['action', 'compensation']),
  attempt: z.number().int(),
  messageId: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  durationMs: z.number().nullable(),
  outcome: attemptOutcomeSchema,
  error: replyErrorSchema.nullable(),
  output: jsonObjectResponseSchema.nullable(),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const stepCompensationSchema = z.object({
  status: z.enum(CompensationStatus),
  attempts: z.number().int(),
  error: replyErrorSchema.nullable(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
});

export const stepSchema = z.object({
  name: z.string(),
  status: z.enum(StepStatus),
  attempts: z.number().int(),
  output: jsonObjectResponseSchema.nullable(),
  error: replyErrorSchema.nullable(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  compensation: stepCompensationSchema.nullable(),
  history: z.array(attemptSchema),
});
export type Step = z.infer<typeof stepSchema>;

/** A compensation that failed for good. */
export const compensationErrorSchema = z.object({
  step: z.string(),
  error: replyErrorSchema.nullable(),
  at: z.iso.datetime(),
});

/**
 * Why a saga is SUSPENDED: the step it waits on, or `step: null` when it was set aside because its definition
 * version cannot be had; it then goes back to `resumeStatus` once resumed.
 */
export const suspensionSchema = z.object({
  step: z.string().nullable(),
  reason: z.string(),
  at: z.iso.datetime(),
  resumeStatus: sagaStatusSchema.optional(),
});

export const sagaDetailSchema = z.object({
  ...sagaSummarySchema.shape,
  rerunOf: sagaIdSchema.nullable().describe('the saga an operator reran to start this one'),
  reruns: z.array(sagaIdSchema).describe('the sagas started by rerunning this one'),
  input: jsonValueResponseSchema,
  deadlineAt: z.iso.datetime().nullable(),
  errors: z.array(compensationErrorSchema).describe('every compensation that failed for good'),
  suspension: suspensionSchema.nullable(),
  steps: z.array(stepSchema),
});
export type SagaDetail = z.infer<typeof sagaDetailSchema>;

/** One entry of a saga's append-only log. */
export const sagaEventSchema = z.object({
  seq: z.number().int(),
  type: z.enum(SagaEventType),
  at: z.iso.datetime(),
  step: z.string().optional(),
  data: jsonObjectResponseSchema,
});
export type SagaEvent = z.infer<typeof sagaEventSchema>;

export const sagaEventPageSchema = z.object({
  items: z.array(sagaEventSchema),
  nextCursor: z.string().nullable(),
});
export type SagaEventPage = z.infer<typeof sagaEventPageSchema>;
