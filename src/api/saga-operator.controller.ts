import { Body, Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OperatorActions, type OperatorOutcome } from '../orchestrator/operator-actions';
import { SagaRerun } from '../orchestrator/saga-rerun';
import { AdminAccess, StartRateLimited } from './auth/access';
import { actorOf } from './auth/caller';
import {
  type AbortSagaBody,
  type CompleteCompensationBody,
  type CompleteStepBody,
  type OperatorHeaders,
  type RerunSagaBody,
  type RetrySagaBody,
  type StartHeaders,
  abortSagaBodySchema,
  completeCompensationBodySchema,
  completeStepBodySchema,
  operatorHeadersSchema,
  rerunSagaBodySchema,
  retrySagaBodySchema,
  startHeadersSchema,
} from './dto';
import { RequestHeaders } from './request-headers.decorator';
import type { OperatorAnswer, RerunSaga } from './responses/saga-answers';
import { ZodValidationPipe } from './zod-validation.pipe';

const operatorHeaders = new ZodValidationPipe(operatorHeadersSchema, 'headers');

/**
 * Admin: what an operator may do to one saga (CONTRACT §8). Each answers 202 when it took effect, 200 when it was
 * already in effect, 404 for an unknown saga or step, 409 naming the saga's status otherwise; the saga log keeps
 * the reason and the acting key's fingerprint.
 */
@Controller('api/sagas')
@AdminAccess()
export class SagaOperatorController {
  constructor(
    @Inject(OperatorActions) private readonly operator: OperatorActions,
    @Inject(SagaRerun) private readonly reruns: SagaRerun,
  ) {}

  /** Resumes a COMPENSATION_FAILED or SUSPENDED saga, the latter with an optional new payload for its step. */
  @Post(':id/retry')
  @HttpCode(202)
  async retry(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(retrySagaBodySchema, 'request body')) body: RetrySagaBody,
    @RequestHeaders(operatorHeaders) { requestId }: OperatorHeaders,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OperatorAnswer> {
    const acting = { requestId, actor: actorOf(request), reason: body?.reason };
    return answer(id, await this.operator.retry(id, acting, body?.payload), response);
  }

  /** Stops a RUNNING saga that has not passed its pivot, and compensates. */
  @Post(':id/abort')
  @HttpCode(202)
  async abort(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(abortSagaBodySchema, 'request body')) body: AbortSagaBody,
    @RequestHeaders(operatorHeaders) { requestId }: OperatorHeaders,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OperatorAnswer> {
    const outcome = await this.operator.abort(id, body.reason, { requestId, actor: actorOf(request) });
    return answer(id, outcome, response);
  }

  /** Takes a step whose action is running, waiting for a retry or suspended as succeeded with `output`. */
  @Post(':id/steps/:step/complete')
  @HttpCode(202)
  async completeStep(
    @Param('id') id: string,
    @Param('step') step: string,
    @Body(new ZodValidationPipe(completeStepBodySchema, 'request body')) body: CompleteStepBody,
    @RequestHeaders(operatorHeaders) { requestId }: OperatorHeaders,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OperatorAnswer> {
    const acting = { requestId, actor: actorOf(request), reason: body.reason };
    return answer(id, await this.operator.completeStep(id, step, body.output, acting), response);
  }

  /** Takes a running or failed compensation as done; a COMPENSATION_FAILED saga goes on compensating. */
  @Post(':id/steps/:step/compensation/complete')
  @HttpCode(202)
  async completeCompensation(
    @Param('id') id: string,
    @Param('step') step: string,
    @Body(new ZodValidationPipe(completeCompensationBodySchema, 'request body'))
    body: CompleteCompensationBody,
    @RequestHeaders(operatorHeaders) { requestId }: OperatorHeaders,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OperatorAnswer> {
    const acting = { requestId, actor: actorOf(request), reason: body.reason };
    return answer(id, await this.operator.completeCompensation(id, step, acting), response);
  }

  /**
   * Starts a terminal saga again as a new saga (201; 200 for an Idempotency-Key already used), on the current
   * version, with the given input or the old one's.
   */
  @Post(':id/rerun')
  @StartRateLimited()
  @HttpCode(201)
  async rerun(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(rerunSagaBodySchema, 'request body')) body: RerunSagaBody,
    @RequestHeaders(new ZodValidationPipe(startHeadersSchema, 'headers')) headers: StartHeaders,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RerunSaga> {
    const saga = await this.reruns.rerun(id, {
      ...(body?.input === undefined ? {} : { input: body.input }),
      ...(body?.reason === undefined ? {} : { reason: body.reason }),
      actor: actorOf(request),
      ...(headers.idempotencyKey === undefined ? {} : { idempotencyKey: headers.idempotencyKey }),
      ...(headers.requestId === undefined ? {} : { requestId: headers.requestId }),
    });
    if (!saga.created) response.status(200);
    return { id: saga.id, name: saga.name, version: saga.version, status: saga.status, rerunOf: id };
  }
}

function answer(id: string, outcome: OperatorOutcome, response: Response): OperatorAnswer {
  if (!outcome.changed) response.status(200);
  return { id, status: outcome.status };
}
