import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SagaNotFoundError, ValidationFailedError } from '../core/errors';
import { isSagaId } from '../core/saga-id';
import { SagaStarter } from '../orchestrator/saga-starter';
import { SagaReader } from '../persistence/saga-reader';
import {
  type ListEventsQuery,
  type ListSagasQuery,
  type StartHeaders,
  type StartSagaBody,
  listEventsQuerySchema,
  listSagasQuerySchema,
  startHeadersSchema,
  startSagaBodySchema,
} from './dto';
import type { SagaDetail, SagaEventPage, SagaPage } from './responses/saga';
import type { StartedSaga } from './responses/saga-answers';
import { decodeCursor, encodeCursor, eventView, sagaDetailView, sagaSummaryView } from './saga-view';
import { ZodValidationPipe } from './zod-validation.pipe';
import { RequestHeaders } from './request-headers.decorator';
import { AdminAccess, ReadAccess, StartRateLimited } from './auth/access';

@Controller('api/sagas')
@ReadAccess()
export class SagasController {
  constructor(
    @Inject(SagaStarter) private readonly starter: SagaStarter,
    @Inject(SagaReader) private readonly reader: SagaReader,
  ) {}

  @Post()
  @AdminAccess()
  @StartRateLimited()
  @HttpCode(201)
  async start(
    @Body(new ZodValidationPipe(startSagaBodySchema, 'request body')) body: StartSagaBody,
    @RequestHeaders(new ZodValidationPipe(startHeadersSchema, 'headers')) headers: StartHeaders,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StartedSaga> {
    const saga = await this.starter.start({
      name: body.name,
      input: body.input,
      correlationId: body.correlationId,
      ...headers,
    });
    if (!saga.created) response.status(200);
    return { id: saga.id, name: saga.name, version: saga.version, status: saga.status };
  }

  @Get()
  async list(
    @Query(new ZodValidationPipe(listSagasQuerySchema, 'query')) query: ListSagasQuery,
  ): Promise<SagaPage> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (after === null) {
      throw new ValidationFailedError('invalid cursor', [
        { path: 'cursor', message: 'is not a cursor from this API' },
      ]);
    }
    const sagas = await this.reader.listSagas({
      statuses: query.status,
      name: query.name,
      version: query.version,
      correlationId: query.correlationId,
      failingStep: query.failingStep,
      createdFrom: query.createdFrom,
      createdTo: query.createdTo,
      limit: query.limit + 1,
      after,
    });
    const page = sagas.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(sagaSummaryView),
      nextCursor: sagas.length > query.limit && last !== undefined ? encodeCursor(last) : null,
    };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<SagaDetail> {
    const saga = await this.findSaga(id);
    const [events, reruns] = await Promise.all([
      this.reader.findAttemptEvents(id),
      this.reader.findReruns(id),
    ]);
    return sagaDetailView(saga, events, reruns);
  }

  /** The saga's log, oldest first, a page at a time (`limit` ≤ 1000; `nextCursor` reads on). */
  @Get(':id/events')
  async events(
    @Param('id') id: string,
    @Query(new ZodValidationPipe(listEventsQuerySchema, 'query')) query: ListEventsQuery,
  ): Promise<SagaEventPage> {
    await this.findSaga(id);
    const events = await this.reader.findEvents(id, {
      afterSeq: query.cursor ?? 0,
      limit: query.limit + 1,
    });
    const page = events.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(eventView),
      nextCursor: events.length > query.limit && last !== undefined ? String(last.seq) : null,
    };
  }

  private async findSaga(id: string) {
    const saga = isSagaId(id) ? await this.reader.findSaga(id) : null;
    if (saga === null) throw new SagaNotFoundError(id);
    return saga;
  }
}
