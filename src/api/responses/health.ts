import { z } from 'zod';

const checkSchema = z.enum(['up', 'down']);

/** GET /health and GET /health/ready: each dependency's check. */
export const readinessSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.object({ postgres: checkSchema, rabbitmq: checkSchema }),
});
export type Readiness = z.infer<typeof readinessSchema>;

/** GET /health/live: the process answers. */
export const livenessSchema = z.object({ status: z.literal('ok') });
export type Liveness = z.infer<typeof livenessSchema>;
