import { z } from 'zod';
import { jsonObjectSchema } from 'saga-orchestrator-sdk/contracts';
import { durationSchema, positiveDurationSchema } from './duration';
import { DefinitionLimits, describeDaysLimit } from './limits';
import { nestsDeeperThan } from './nesting-depth';
import { describeValue } from './zod-problems';
import { LifecycleEvents, type RetryPolicy } from './types';

/** Step retry when the file omits `retry` or some of its fields (docs/definitions.md). */
export const DEFAULT_RETRY: Readonly<RetryPolicy> = {
  attempts: 3,
  backoffMs: 1_000,
  multiplier: 2,
  maxBackoffMs: 30_000,
  jitter: 'none',
};

/** Compensation retry when the file omits `compensationRetry` or some of its fields (docs/definitions.md). */
export const DEFAULT_COMPENSATION_RETRY: Readonly<RetryPolicy> = {
  attempts: 5,
  backoffMs: 1_000,
  multiplier: 2,
  maxBackoffMs: 30_000,
  jitter: 'none',
};

/** Which lifecycle events a saga publishes when its file does not say (docs/definitions.md). */
export const DEFAULT_LIFECYCLE_EVENTS: LifecycleEvents = LifecycleEvents.terminal;

/** Per-attempt timeout of a step that sets none. */
export const DEFAULT_STEP_TIMEOUT_MS = 30_000;

const NAME_PATTERN = /^[a-z0-9-]+$/;

function atMostCharacters(limit: number) {
  return { error: `must be at most ${limit} characters`, abort: true };
}

function atMost(limit: number) {
  return { error: `must be at most ${limit}` };
}

// The length is checked first: the pattern's message quotes the name.
const nameSchema = z
  .string()
  .max(DefinitionLimits.maxNameLength, atMostCharacters(DefinitionLimits.maxNameLength))
  .regex(NAME_PATTERN, {
    error: (issue) =>
      `invalid name ${JSON.stringify(issue.input)}: use only lowercase letters, digits and "-"`,
  });

// A command's name is also its AMQP `type` property, which holds at most 255 bytes.
const commandNameSchema = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(DefinitionLimits.maxCommandNameLength, atMostCharacters(DefinitionLimits.maxCommandNameLength))
  .refine((name) => new TextEncoder().encode(name).length <= 255, {
    error: 'must be at most 255 bytes in UTF-8',
  });

const positiveIntegerSchema = z
  .number()
  .int({ error: 'must be a positive integer' })
  .positive({ error: 'must be a positive integer' });

/** A duration in milliseconds of at most `limitMs`, zero allowed or not. */
function boundedDuration(schema: typeof durationSchema, limitMs: number) {
  return schema.pipe(z.number().max(limitMs, { error: `must be at most ${describeDaysLimit(limitMs)}` }));
}

const stepDurationSchema = boundedDuration(durationSchema, DefinitionLimits.maxStepDurationMs);

function retryPolicySchema(defaults: Readonly<RetryPolicy>) {
  return z
    .strictObject({
      // `unlimited` is checked against the step's type where the step is known (compile.ts).
      attempts: z
        .union(
          [
            positiveIntegerSchema.max(DefinitionLimits.maxAttempts, atMost(DefinitionLimits.maxAttempts)),
            z.literal('unlimited').transform(() => Number.POSITIVE_INFINITY),
          ],
          { error: `must be a positive integer up to ${DefinitionLimits.maxAttempts}, or "unlimited"` },
        )
        .optional(),
      backoff: stepDurationSchema.optional(),
      multiplier: z
        .number()
        .min(1, { error: 'must be at least 1' })
        .max(DefinitionLimits.maxMultiplier, atMost(DefinitionLimits.maxMultiplier))
        .optional(),
      maxBackoff: stepDurationSchema.optional(),
      jitter: z.enum(['none', 'full']).optional(),
    })
    .transform((value, ctx): RetryPolicy => {
      const policy: RetryPolicy = {
        attempts: value.attempts ?? defaults.attempts,
        backoffMs: value.backoff ?? defaults.backoffMs,
        multiplier: value.multiplier ?? defaults.multiplier,
        maxBackoffMs: value.maxBackoff ?? defaults.maxBackoffMs,
        jitter: value.jitter ?? defaults.jitter,
      };
      if (policy.maxBackoffMs < policy.backoffMs) {
        const implicit =
          value.maxBackoff === undefined ? ` (maxBackoff defaults to ${defaults.maxBackoffMs / 1000}s)` : '';
        ctx.addIssue({
          code: 'custom',
          path: ['maxBackoff'],
          message: `maxBackoff cannot be less than backoff${implicit}`,
        });
        return z.NEVER;
      }
      return policy;
    })
    .default(() => ({ ...defaults }));
}

/** A step's payload: a mapping of JSON values whose strings may hold `${...}` expressions. */
export const payloadSchema = jsonObjectSchema.refine(
  (payload) => !nestsDeeperThan(payload, DefinitionLimits.maxPayloadDepth),
  { error: `is nested deeper than ${DefinitionLimits.maxPayloadDepth} levels` },
);

const onErrorRuleSchema = z.strictObject({
  codes: z
    .array(z.string().min(1, { error: 'must not be empty' }).max(200, atMostCharacters(200)))
    .min(1, { error: 'must list at least one error code' })
    .max(50, { error: 'must list at most 50 error codes' }),
  then: z.enum(['retry', 'compensate', 'suspend']),
});

/** A step of the file; `when` is compiled with the expressions (compile.ts), which know what runs before it. */
export const stepSchema = z.strictObject({
  name: nameSchema,
  participant: nameSchema,
  action: commandNameSchema,
  compensation: commandNameSchema.optional(),
  type: z.enum(['compensatable', 'pivot', 'retriable']).default('compensatable'),
  when: z.unknown().optional(),
  onError: z
    .array(onErrorRuleSchema)
    .max(20, { error: 'must list at most 20 rules' })
    .default(() => []),
  timeout: boundedDuration(positiveDurationSchema, DefinitionLimits.maxStepDurationMs).default(
    DEFAULT_STEP_TIMEOUT_MS,
  ),
  retry: retryPolicySchema(DEFAULT_RETRY),
  compensationRetry: retryPolicySchema(DEFAULT_COMPENSATION_RETRY),
  payload: payloadSchema.default(() => ({})),
});

/** A parallel group: `{ parallel: { name, compensation, steps } }`; its members are plain steps. */
export const groupSchema = z.strictObject({
  parallel: z.strictObject({
    name: nameSchema,
    compensation: z.enum(['parallel', 'reverse']).default('parallel'),
    steps: z.array(stepSchema).min(1, { error: 'must list at least one step' }),
  }),
});

/**
 * The saga definition file format (docs/definitions.md), YAML or JSON. Parsing applies the defaults and turns
 * durations into milliseconds; every unknown field is an error. Each element of `steps` is a step or a parallel
 * group, parsed on its own (compile.ts) so that each problem keeps its exact path.
 */
export const sagaDefinitionFileSchema = z.strictObject({
  name: nameSchema,
  version: positiveIntegerSchema.max(DefinitionLimits.maxVersion, atMost(DefinitionLimits.maxVersion)),
  description: z
    .string()
    .max(DefinitionLimits.maxDescriptionLength, atMostCharacters(DefinitionLimits.maxDescriptionLength))
    .optional(),
  input: jsonObjectSchema.optional(),
  timeout: boundedDuration(positiveDurationSchema, DefinitionLimits.maxSagaTimeoutMs).optional(),
  // Optional with a default rather than written into the stored document: a file without it keeps its fingerprint.
  events: z
    .enum(LifecycleEvents, {
      error: (issue) =>
        `must be all, terminal or none (got ${typeof issue.input === 'string' ? JSON.stringify(issue.input) : describeValue(issue.input)})`,
    })
    .default(DEFAULT_LIFECYCLE_EVENTS),
  // The count is checked before any step: a list too long is refused without a message per step.
  steps: z
    .array(z.unknown())
    .min(1, { error: 'must list at least one step' })
    .max(DefinitionLimits.maxSteps, { error: `must list at most ${DefinitionLimits.maxSteps} steps` }),
});

export type SagaDefinitionFile = z.infer<typeof sagaDefinitionFileSchema>;
export type StepDocument = z.infer<typeof stepSchema>;
export type GroupDocument = z.infer<typeof groupSchema>;
