import { z } from 'zod';
import { jsonObjectSchema, jsonValueSchema } from 'saga-orchestrator-sdk/contracts';

/**
 * The parts of the API's answers (docs/rest-api.md) that `saga` reads, checked before use. Fields it does not read
 * are not listed; `--json` prints the answer as the API gave it.
 */

const time = z.string();
const nullableTime = z.string().nullable();

export const sagaSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number(),
  status: z.string(),
  correlationId: z.string(),
  failingStep: z.string().nullable(),
  createdAt: time,
  updatedAt: time,
});
export type SagaSummary = z.infer<typeof sagaSummarySchema>;

export const sagaPageSchema = z.object({
  items: z.array(sagaSummarySchema),
  nextCursor: z.string().nullable(),
});

export const attemptSchema = z.object({
  kind: z.enum(['action', 'compensation']),
  attempt: z.number(),
  startedAt: time,
  finishedAt: nullableTime,
  durationMs: z.number().nullable(),
  outcome: z.string(),
  error: jsonValueSchema,
});
export type Attempt = z.infer<typeof attemptSchema>;

export const sagaDetailSchema = sagaSummarySchema.extend({
  rerunOf: z.string().nullable(),
  reruns: z.array(z.string()),
  input: jsonValueSchema,
  deadlineAt: nullableTime,
  errors: z.array(z.object({ step: z.string(), error: jsonValueSchema, at: time })),
  suspension: z.object({ step: z.string().nullable(), reason: z.string(), at: time }).nullable(),
  steps: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      attempts: z.number(),
      compensation: z.object({ status: z.string(), attempts: z.number() }).nullable(),
      history: z.array(attemptSchema),
    }),
  ),
});
export type SagaDetail = z.infer<typeof sagaDetailSchema>;

export const logEntrySchema = z.object({
  seq: z.number(),
  type: z.string(),
  at: time,
  step: z.string().optional(),
  data: jsonObjectSchema,
});
export type LogEntry = z.infer<typeof logEntrySchema>;

export const logPageSchema = z.object({
  items: z.array(logEntrySchema),
  nextCursor: z.string().nullable(),
});

export const startedSagaSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number(),
  status: z.string(),
});

export const operatorOutcomeSchema = z.object({ id: z.string(), status: z.string() });

export const migratedSagaSchema = operatorOutcomeSchema.extend({ version: z.number() });

export const bulkMigrationSchema = z.object({
  migrated: z.number(),
  refused: z.array(
    z.object({
      id: z.string(),
      reasons: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  ),
  dryRun: z.boolean(),
});

export const definitionListSchema = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      description: z.string().nullable().optional(),
      currentVersion: z.number().nullable(),
      versions: z.array(z.number()),
    }),
  ),
});

export const graphSchema = z.object({ name: z.string(), version: z.number(), graph: z.string() });

export const deadLetterSchema = z.object({
  id: z.string(),
  messageId: z.string().nullable(),
  reason: z.string(),
  originalExchange: z.string(),
  originalRoutingKey: z.string(),
  receivedAt: time,
  encoding: z.string(),
  content: z.string(),
  contentBytes: z.number(),
  truncated: z.boolean(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

export const deadLetterPageSchema = z.object({
  items: z.array(deadLetterSchema),
  nextCursor: z.string().nullable(),
});

export const replayedSchema = z.object({
  id: z.string(),
  replayedTo: z.object({ exchange: z.string(), routingKey: z.string() }),
});
