import { z } from 'zod';
import { jsonObjectResponseSchema } from './json';
import { GroupCompensation, Jitter, OnErrorAction, StepType } from '../../core/definition/types';

export const definitionSummarySchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  currentVersion: z
    .number()
    .int()
    .nullable()
    .describe('the version new sagas start on; null when no file defines the name any more'),
  versions: z.array(z.number().int()).describe('every stored version, oldest first'),
});
export type DefinitionSummaryView = z.infer<typeof definitionSummarySchema>;

/** GET /api/definitions, and POST /api/definitions/reload once it reloaded. */
export const definitionListSchema = z.object({ items: z.array(definitionSummarySchema) });
export type DefinitionList = z.infer<typeof definitionListSchema>;

export const retryPolicySchema = z.object({
  attempts: z.union([z.number().int(), z.literal('unlimited')]),
  backoffMs: z.number(),
  multiplier: z.number(),
  maxBackoffMs: z.number(),
  jitter: z.enum(Jitter),
});
export type RetryPolicyView = z.infer<typeof retryPolicySchema>;

export const definitionStepSchema = z.object({
  name: z.string(),
  participant: z.string(),
  action: z.string(),
  compensation: z.string().nullable(),
  type: z.enum(StepType),
  group: z.string().nullable().describe('the parallel group the step is a member of'),
  conditional: z.boolean().describe('whether the step has a `when` condition'),
  onError: z.array(z.object({ codes: z.array(z.string()), then: z.enum(OnErrorAction) })),
  timeoutMs: z.number(),
  retry: retryPolicySchema,
  compensationRetry: retryPolicySchema,
});

export const definitionVersionSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  description: z.string().nullable(),
  input: jsonObjectResponseSchema.nullable().describe("JSON Schema of the start request's input"),
  timeoutMs: z.number().nullable(),
  pivot: z.string().nullable().describe('the pivot step'),
  groups: z.array(
    z.object({ name: z.string(), compensation: z.enum(GroupCompensation), steps: z.array(z.string()) }),
  ),
  steps: z.array(definitionStepSchema),
});
export type DefinitionVersionView = z.infer<typeof definitionVersionSchema>;

/** A definition with every stored version. */
export const definitionDetailSchema = z.object({
  ...definitionSummarySchema.shape,
  definitions: z.array(definitionVersionSchema),
});
export type DefinitionDetail = z.infer<typeof definitionDetailSchema>;

export const definitionGraphSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  format: z.literal('mermaid'),
  graph: z.string().describe('a Mermaid flowchart'),
});
export type DefinitionGraph = z.infer<typeof definitionGraphSchema>;
