import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { JsonObject } from '../contracts/json';
import { SagaNotFoundError, ValidationFailedError } from '../core/errors';
import { isSagaId } from '../orchestrator/orchestrator';
import type { Engine } from '../app/engine';
import { ENGINE } from './tokens';
import {
  type AbortSagaBody,
  type ListSagasQuery,
  type StartSagaBody,
  abortSagaBodySchema,
  listSagasQuerySchema,
  startSagaBodySchema,
} from './dto';
import { decodeCursor, encodeCursor, eventView, sagaDetailView, sagaSummaryView } from './saga-view';
import { ZodValidationPipe } from './zod-validation.pipe';

@Controller('api/sagas')
export class SagasController {
  constructor(@Inject(ENGINE) private readonly engine: Engine) {}

  @Post()
  @HttpCode(201)
  async start(
    @Body(new ZodValidationPipe(startSagaBodySchema, 'request body')) body: StartSagaBody,
    @Headers() headers: Record<string, string | undefined>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<JsonObject> {
    const saga = await this.engine.orchestrator.start({
      name: body.name,
      input: body.input,
      correlationId: body.correlationId,
      idempotencyKey: headers['idempotency-key'],
      requestId: headers['x-request-id'],
      trace: traceContext(headers),
    });
    if (!saga.created) response.status(200);
    return { id: saga.id, name: saga.name, version: saga.version, status: saga.status };
  }

  /** Admin: resumes a COMPENSATION_FAILED saga (202); 200 when it is already compensating; 409 otherwise. */
  @Post(':id/retry')
  @HttpCode(202)
  async retry(
    @Param('id') id: string,
    @Headers('x-request-id') requestId: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<JsonObject> {
    const result = await this.engine.orchestrator.retry(id, requestId);
    if (!result.changed) response.status(200);
    return { id, status: result.status };
  }

  /** Admin: stops a RUNNING saga and compensates (202); 200 when it is already compensating; 409 otherwise. */
  @Post(':id/abort')
  @HttpCode(202)
  async abort(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(abortSagaBodySchema, 'request body')) body: AbortSagaBody,
    @Headers('x-request-id') requestId: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<JsonObject> {
    const result = await this.engine.orchestrator.abort(id, body.reason, requestId);
    if (!result.changed) response.status(200);
    return { id, status: result.status };
  }

  @Get()
  async list(@Query(new ZodValidationPipe(listSagasQuerySchema, 'query')) query: ListSagasQuery) {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (after === null) {
      throw new ValidationFailedError('invalid cursor', [
        { path: 'cursor', message: 'is not a cursor from this API' },
      ]);
    }
    const sagas = await this.engine.reader.listSagas({
      statuses: query.status,
      name: query.name,
      version: query.version,
      correlationId: query.correlationId,
      failingStep: query.failingStep,
      createdFrom: query.createdFrom === undefined ? undefined : new Date(query.createdFrom),
      createdTo: query.createdTo === undefined ? undefined : new Date(query.createdTo),
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
  async get(@Param('id') id: string): Promise<JsonObject> {
    const saga = await this.findSaga(id);
    return sagaDetailView(saga, await this.engine.reader.findEvents(id));
  }

  @Get(':id/events')
  async events(@Param('id') id: string): Promise<JsonObject> {
    await this.findSaga(id);
    const events = await this.engine.reader.findEvents(id);
    return { items: events.map(eventView) };
  }

  private async findSaga(id: string) {
    const saga = isSagaId(id) ? await this.engine.reader.findSaga(id) : null;
    if (saga === null) throw new SagaNotFoundError(id);
    return saga;
  }
}

function traceContext(headers: Record<string, string | undefined>) {
  const { traceparent, tracestate } = headers;
  if (traceparent === undefined) return undefined;
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}
