import { z } from 'zod';
import {
  type JsonObject,
  findUnstorableText,
  jsonObjectSchema,
  jsonValueSchema,
} from 'saga-orchestrator-sdk/contracts';
import { RESERVED_PAYLOAD_KEY } from '../core/definition/expressions';
import { DefinitionLimits } from '../core/definition/limits';
import { nestsDeeperThan } from '../core/definition/nesting-depth';
import { SagaStatus, sagaStatuses } from '../core/status';
import type { TraceContext } from '../core/state';
import { headerValue, nameValue, storableText, timestampValue, versionValue, wireId } from './bounded-values';

export const startSagaBodySchema = z.strictObject({
  name: nameValue(),
  input: jsonValueSchema,
  correlationId: wireId().optional(),
});
export type StartSagaBody = z.infer<typeof startSagaBodySchema>;

/** W3C trace context: version 00-fe, a non-zero trace id and parent id, flags. */
const TRACEPARENT = /^(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
const MAX_TRACESTATE_LENGTH = 512;

/**
 * Headers of a start. An empty `X-Request-Id` counts as absent; an invalid `traceparent` is ignored with its
 * `tracestate`, as W3C Trace Context asks of every receiver.
 */
export const startHeadersSchema = z
  .object({
    'idempotency-key': headerValue(200).min(1, 'must not be empty').optional(),
    'x-request-id': headerValue(200).optional(),
    traceparent: z.string().optional(),
    tracestate: z.string().optional(),
  })
  .transform((headers) => ({
    idempotencyKey: headers['idempotency-key'],
    requestId: headers['x-request-id'] || undefined,
    trace: traceContext(headers.traceparent, headers.tracestate),
  }));
export type StartHeaders = z.infer<typeof startHeadersSchema>;

/** Headers of an operator action: `X-Request-Id` becomes the causation id of what it sends. */
export const operatorHeadersSchema = z
  .object({ 'x-request-id': headerValue(200).optional() })
  .transform((headers) => ({ requestId: headers['x-request-id'] || undefined }));
export type OperatorHeaders = z.infer<typeof operatorHeadersSchema>;

function traceContext(traceparent?: string, tracestate?: string): TraceContext | undefined {
  if (traceparent === undefined || !TRACEPARENT.test(traceparent)) return undefined;
  const state =
    tracestate !== undefined &&
    tracestate.length <= MAX_TRACESTATE_LENGTH &&
    /^[\x20-\x7e]*$/.test(tracestate)
      ? tracestate
      : undefined;
  return state === undefined ? { traceparent } : { traceparent, tracestate: state };
}

const statusSchema = z.enum(SagaStatus, { error: `must be one of ${sagaStatuses.join(', ')}` });

/** `status` may repeat (`?status=A&status=B`) or list several (`?status=A,B`). */
export const listSagasQuerySchema = z.strictObject({
  status: z
    .union([z.string().max(200), z.array(z.string().max(200)).max(sagaStatuses.length * 2)])
    .transform((value) =>
      (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).filter(Boolean),
    )
    .pipe(z.array(statusSchema))
    .optional(),
  name: nameValue().optional(),
  version: versionValue().optional(),
  correlationId: wireId().optional(),
  failingStep: nameValue().optional(),
  createdFrom: timestampValue().optional(),
  createdTo: timestampValue().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(200).optional(),
});
export type ListSagasQuery = z.infer<typeof listSagasQuerySchema>;

/** Why an operator acts: kept in the saga log. */
const operatorReason = () => storableText(1000).trim().min(1, 'is required');

export const abortSagaBodySchema = z.strictObject({ reason: operatorReason() });
export type AbortSagaBody = z.infer<typeof abortSagaBodySchema>;

/** An object an operator gives a step (a payload or an output): storable, as deep as a definition's payloads. */
function checkOperatorObject(value: JsonObject, ctx: z.RefinementCtx): void {
  const unstorable = findUnstorableText(value);
  if (unstorable !== null) ctx.addIssue({ code: 'custom', message: unstorable });
  if (nestsDeeperThan(value, DefinitionLimits.maxPayloadDepth)) {
    ctx.addIssue({
      code: 'custom',
      message: `is nested deeper than ${DefinitionLimits.maxPayloadDepth} levels`,
    });
  }
}

/** A payload an operator gives a step: as `checkOperatorObject`, with `output` left to the engine. */
function checkStepPayload(payload: JsonObject, ctx: z.RefinementCtx): void {
  checkOperatorObject(payload, ctx);
  if (RESERVED_PAYLOAD_KEY in payload) {
    ctx.addIssue({
      code: 'custom',
      path: [RESERVED_PAYLOAD_KEY],
      message: "is reserved: a compensation receives the step's output under it",
    });
  }
}

/** The body of a retry is optional: a SUSPENDED saga's step may get a new payload from its next attempt on. */
export const retrySagaBodySchema = z
  .strictObject({
    payload: jsonObjectSchema.superRefine(checkStepPayload).optional(),
    reason: operatorReason().optional(),
  })
  .optional();
export type RetrySagaBody = z.infer<typeof retrySagaBodySchema>;

export const completeStepBodySchema = z.strictObject({
  output: jsonObjectSchema.superRefine(checkOperatorObject),
  reason: operatorReason(),
});
export type CompleteStepBody = z.infer<typeof completeStepBodySchema>;

export const completeCompensationBodySchema = z.strictObject({ reason: operatorReason() });
export type CompleteCompensationBody = z.infer<typeof completeCompensationBodySchema>;

/** The new saga's input replaces the old one's when given; it is checked against the definition's schema. */
export const rerunSagaBodySchema = z
  .strictObject({ input: jsonValueSchema.optional(), reason: operatorReason().optional() })
  .optional();
export type RerunSagaBody = z.infer<typeof rerunSagaBodySchema>;

/** A version in a JSON body: a number, never a numeric string. */
const bodyVersion = () =>
  z.number().int('must be an integer').positive('must be positive').max(2_147_483_647);

export const migrateSagaBodySchema = z.strictObject({ version: bodyVersion(), reason: operatorReason() });
export type MigrateSagaBody = z.infer<typeof migrateSagaBodySchema>;

export const migrateSagasBodySchema = z.strictObject({
  name: nameValue(),
  fromVersion: bodyVersion(),
  toVersion: bodyVersion(),
  dryRun: z.boolean().optional(),
  reason: operatorReason(),
});
export type MigrateSagasBody = z.infer<typeof migrateSagasBodySchema>;

export const graphQuerySchema = z.strictObject({
  version: versionValue().optional(),
});
export type GraphQuery = z.infer<typeof graphQuerySchema>;

export const statsQuerySchema = z.strictObject({
  name: nameValue().optional(),
  /** Start of the window for throughput, durations and step rates; default: one hour ago. */
  since: timestampValue().optional(),
});
export type StatsQuery = z.infer<typeof statsQuerySchema>;

export const listDeadLettersQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'is not a cursor from this API')
    .optional(),
});
export type ListDeadLettersQuery = z.infer<typeof listDeadLettersQuerySchema>;

/** A page of a saga's log, oldest first; `cursor` is the `seq` of the last entry of the page before. */
export const listEventsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
  cursor: z
    .string()
    .regex(/^\d{1,9}$/, 'is not a cursor from this API')
    .transform(Number)
    .optional(),
});
export type ListEventsQuery = z.infer<typeof listEventsQuerySchema>;
