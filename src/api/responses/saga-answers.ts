import { z } from 'zod';
import { errorDetailSchema } from './error';
import { sagaIdSchema, sagaStatusSchema } from './saga';

/** A saga a start created (201), or an earlier start with the same Idempotency-Key created (200). */
export const startedSagaSchema = z.object({
  id: sagaIdSchema,
  name: z.string(),
  version: z.number().int(),
  status: sagaStatusSchema,
});
export type StartedSaga = z.infer<typeof startedSagaSchema>;

/** The new saga a rerun started, and the one it reran. */
export const rerunSagaSchema = z.object({ ...startedSagaSchema.shape, rerunOf: sagaIdSchema });
export type RerunSaga = z.infer<typeof rerunSagaSchema>;

/** What an operator action left the saga in. */
export const operatorAnswerSchema = z.object({ id: sagaIdSchema, status: sagaStatusSchema });
export type OperatorAnswer = z.infer<typeof operatorAnswerSchema>;

export const migratedSagaSchema = z.object({
  id: sagaIdSchema,
  status: sagaStatusSchema,
  version: z.number().int(),
});
export type MigratedSaga = z.infer<typeof migratedSagaSchema>;

export const bulkMigrationSchema = z.object({
  migrated: z.number().int().describe('sagas moved, or that would move on a dry run'),
  refused: z.array(z.object({ id: sagaIdSchema, reasons: z.array(errorDetailSchema) })),
  dryRun: z.boolean(),
});
export type BulkMigration = z.infer<typeof bulkMigrationSchema>;
