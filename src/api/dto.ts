import { z } from 'zod';
import { jsonValueSchema, unstorableText } from '../contracts/json';
import { SagaStatus, sagaStatuses } from '../core/status';

/** Text PostgreSQL can store. */
const text = () =>
  z.string().check((ctx) => {
    const reason = unstorableText(ctx.value);
    if (reason !== null) ctx.issues.push({ code: 'custom', message: reason, input: ctx.value });
  });

export const startSagaBodySchema = z.strictObject({
  name: text().min(1, 'is required'),
  input: jsonValueSchema,
  correlationId: text().min(1).max(256).optional(),
});
export type StartSagaBody = z.infer<typeof startSagaBodySchema>;

const statusSchema = z.enum(SagaStatus, { error: `must be one of ${sagaStatuses.join(', ')}` });

/** `status` may repeat (`?status=A&status=B`) or list several (`?status=A,B`). */
export const listSagasQuerySchema = z.strictObject({
  status: z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).filter(Boolean),
    )
    .pipe(z.array(statusSchema))
    .optional(),
  name: text().min(1).optional(),
  version: z.coerce.number().int().positive().optional(),
  correlationId: text().min(1).optional(),
  failingStep: text().min(1).optional(),
  createdFrom: z.iso.datetime({ offset: true }).optional(),
  createdTo: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).optional(),
});
export type ListSagasQuery = z.infer<typeof listSagasQuerySchema>;

export const abortSagaBodySchema = z.strictObject({
  reason: text().trim().min(1, 'is required').max(1000),
});
export type AbortSagaBody = z.infer<typeof abortSagaBodySchema>;

export const graphQuerySchema = z.strictObject({
  version: z.coerce.number().int().positive().optional(),
});
export type GraphQuery = z.infer<typeof graphQuerySchema>;

export const statsQuerySchema = z.strictObject({
  name: text().min(1).optional(),
  /** Start of the window for throughput, durations and step rates; default: one hour ago. */
  since: z.iso.datetime({ offset: true }).optional(),
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
