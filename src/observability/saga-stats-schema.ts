import { z } from 'zod';
import { SagaStatus } from '../core/status';

const perMinuteSchema = z.array(z.object({ minute: z.iso.datetime(), count: z.number().int() }));
const statusCountsSchema = z.array(
  z.object({
    name: z.string(),
    version: z.number().int(),
    status: z.enum(SagaStatus),
    count: z.number().int(),
  }),
);

/**
 * GET /api/stats: the one description of the dashboard statistics. `SagaStats` is inferred from it, so a field
 * added here is typed, served and documented (OpenAPI) at once.
 */
export const sagaStatsSchema = z.object({
  window: z.object({ since: z.iso.datetime(), name: z.string().nullable() }),
  counts: statusCountsSchema.describe('sagas started in the window, per name, version and status'),
  open: statusCountsSchema.describe(
    'sagas running, compensating, suspended or COMPENSATION_FAILED, whenever they started, per name, version and status',
  ),
  startedPerMinute: perMinuteSchema,
  finishedPerMinute: perMinuteSchema,
  duration: z
    .object({
      finished: z.number().int(),
      p50Ms: z.number().nullable(),
      p95Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
    })
    .describe(
      'of the sagas started in the window that finished; percentiles within 4.5 % (durations are counted in buckets 9 % wide)',
    ),
  steps: z.array(
    z.object({
      saga: z.string(),
      step: z.string(),
      ran: z.number().int(),
      skipped: z.number().int(),
      failed: z.number().int(),
      compensated: z.number().int(),
      compensationFailed: z.number().int(),
      failureRate: z.number(),
      compensationRate: z.number(),
    }),
  ),
  oldestUnfinishedAgeSeconds: z.number().nullable(),
  pastDeadline: z.number().int().describe('running sagas past their deadline'),
  suspended: z.number().int().describe('sagas waiting for an operator past their pivot'),
  deadLetters: z
    .object({ stored: z.number().int(), inQueue: z.number().int().nullable() })
    .describe(
      'stored for an operator (GET /api/dead-letters), and still in the queue (null while the broker is down)',
    ),
  retention: z
    .object({
      period: z.string(),
      deletedTotal: z.object({
        saga_instances: z.number().int(),
        saga_events: z.number().int(),
        processed_replies: z.number().int(),
        saga_timers: z.number().int(),
        dead_letters: z.number().int(),
      }),
      oldestOverdueSeconds: z.number(),
    })
    .describe(
      'RETENTION as configured, the rows this engine process deleted past it since it started, and how long past it the oldest row still kept is (0 when none)',
    ),
});
export type SagaStats = z.infer<typeof sagaStatsSchema>;
