import { Body, Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SagaStatus } from '../core/status';
import { MigrationRefusedError, SagaMigration } from '../orchestrator/saga-migration';
import { SagaReader } from '../persistence/saga-reader';
import { actorOf } from './auth/caller';
import { AdminAccess } from './auth/access';
import {
  type MigrateSagaBody,
  type MigrateSagasBody,
  type OperatorHeaders,
  migrateSagaBodySchema,
  migrateSagasBodySchema,
  operatorHeadersSchema,
} from './dto';
import { RequestHeaders } from './request-headers.decorator';
import type { BulkMigration, MigratedSaga } from './responses/saga-answers';
import { ZodValidationPipe } from './zod-validation.pipe';

/** How many sagas a bulk migration reads at a time. */
const PAGE = 500;

/** Admin: moving running sagas to another stored version of their definition (CONTRACT §8). */
@Controller('api/sagas')
@AdminAccess()
export class SagaMigrationController {
  constructor(
    @Inject(SagaMigration) private readonly migration: SagaMigration,
    @Inject(SagaReader) private readonly reader: SagaReader,
  ) {}

  /** 202 when moved, 200 when it already ran that version, 409 with every reason it cannot move. */
  @Post('migrate')
  @HttpCode(200)
  async migrateAll(
    @Body(new ZodValidationPipe(migrateSagasBodySchema, 'request body')) body: MigrateSagasBody,
    @RequestHeaders(new ZodValidationPipe(operatorHeadersSchema, 'headers')) { requestId }: OperatorHeaders,
    @Req() request: Request,
  ): Promise<BulkMigration> {
    const actor = actorOf(request);
    let migrated = 0;
    const refused: BulkMigration['refused'] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await this.reader.listSagas({
        statuses: [SagaStatus.running, SagaStatus.suspended],
        name: body.name,
        version: body.fromVersion,
        limit: PAGE,
        after,
      });
      for (const saga of page) {
        try {
          const outcome = await this.migration.migrate(saga.id, {
            version: body.toVersion,
            reason: body.reason,
            requestId,
            actor,
            dryRun: body.dryRun,
          });
          if (outcome.changed || body.dryRun === true) migrated++;
        } catch (error) {
          if (!(error instanceof MigrationRefusedError)) throw error;
          refused.push({
            id: saga.id,
            reasons: error.details.map(({ path, message }) => ({ path, message })),
          });
        }
      }
      const last = page[page.length - 1];
      if (page.length < PAGE || last === undefined) break;
      after = { createdAt: last.createdAt, id: last.id };
    }
    return { migrated, refused, dryRun: body.dryRun === true };
  }

  @Post(':id/migrate')
  @HttpCode(202)
  async migrate(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(migrateSagaBodySchema, 'request body')) body: MigrateSagaBody,
    @RequestHeaders(new ZodValidationPipe(operatorHeadersSchema, 'headers')) { requestId }: OperatorHeaders,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MigratedSaga> {
    const outcome = await this.migration.migrate(id, {
      version: body.version,
      reason: body.reason,
      requestId,
      actor: actorOf(request),
    });
    if (!outcome.changed) response.status(200);
    return { id, status: outcome.status, version: outcome.version };
  }
}
