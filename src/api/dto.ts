import { z } from 'zod';
import { jsonValueSchema } from '../contracts/json';
import { SagaStatus, sagaStatuses } from '../core/status';

export const startSagaBodySchema = z.strictObject({
  name: z.string().min(1, 'is required'),
  input: jsonValueSchema,
  correlationId: z.string().min(1).max(256).optional(),
});
export type StartSagaBody = z.infer<typeof startSagaBodySchema>;

export const listSagasQuerySchema = z.object({
  status: z.enum(SagaStatus, { error: `must be one of ${sagaStatuses.join(', ')}` }).optional(),
  name: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).optional(),
});
export type ListSagasQuery = z.infer<typeof listSagasQuerySchema>;

export const abortSagaBodySchema = z.strictObject({
  reason: z.string().trim().min(1, 'is required').max(1000),
});
export type AbortSagaBody = z.infer<typeof abortSagaBodySchema>;
