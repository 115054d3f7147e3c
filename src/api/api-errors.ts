import { SagaEngineError } from '../core/errors';

export class ApiUnauthorizedError extends SagaEngineError {
  readonly code = 'UNAUTHORIZED';
  constructor() {
    super('a valid API key is required: Authorization: Bearer <key>');
  }
}

export class ApiForbiddenError extends SagaEngineError {
  readonly code = 'FORBIDDEN';
  constructor() {
    super('this API key may only read');
  }
}

/** A route that declares no access is refused rather than left open. */
export class RouteAccessUndeclaredError extends SagaEngineError {
  readonly code = 'FORBIDDEN';
  constructor() {
    super('this route declares no access rule');
  }
}

export class RateLimitedError extends SagaEngineError {
  readonly code = 'RATE_LIMITED';
  override readonly retryable = true;
  constructor(perSecond: number, burst: number) {
    super(`too many sagas started; at most ${perSecond} per second (burst ${burst})`);
  }
}

export class DeadLetterNotFoundError extends SagaEngineError {
  readonly code = 'DEAD_LETTER_NOT_FOUND';
  constructor(id: string) {
    super(`no dead letter with id "${id.slice(0, 40)}"`);
  }
}
