import { z } from 'zod';
import { jsonObjectSchema } from './json';
import { WireLimits } from './limits';

export const CommandKind = { action: 'action', compensation: 'compensation' } as const;
export type CommandKind = (typeof CommandKind)[keyof typeof CommandKind];
export const commandKindSchema = z.enum(['action', 'compensation']);

const id = () => z.string().min(1).max(WireLimits.maxIdLength);

/** The body of a command the engine sends to a participant (docs/wire-protocol.md). */
export const commandSchema = z.object({
  message_id: id(),
  type: id(),
  kind: commandKindSchema,
  saga: z.object({ id: id(), name: id(), version: z.number().int().positive() }),
  step: id(),
  attempt: z.number().int().positive(),
  idempotency_key: id(),
  correlation_id: id(),
  causation_id: id(),
  timestamp: z.string(),
  deadline: z.string(),
  payload: jsonObjectSchema,
});
export type Command = z.infer<typeof commandSchema>;
