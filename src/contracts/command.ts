import { z } from 'zod';
import { jsonObjectSchema } from './json';

export const CommandKind = { action: 'action', compensation: 'compensation' } as const;
export type CommandKind = (typeof CommandKind)[keyof typeof CommandKind];
export const commandKindSchema = z.enum(['action', 'compensation']);

/** The body of a command the engine sends to a participant (CONTRACT §3). */
export const commandSchema = z.object({
  message_id: z.string().min(1),
  type: z.string().min(1),
  kind: commandKindSchema,
  saga: z.object({ id: z.string().min(1), name: z.string().min(1), version: z.number().int().positive() }),
  step: z.string().min(1),
  attempt: z.number().int().positive(),
  idempotency_key: z.string().min(1),
  correlation_id: z.string().min(1),
  causation_id: z.string().min(1),
  timestamp: z.string(),
  deadline: z.string(),
  payload: jsonObjectSchema,
});
export type Command = z.infer<typeof commandSchema>;
