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

export class DeadLetterNotFoundError extends SagaEngineError {
  readonly code = 'DEAD_LETTER_NOT_FOUND';
  constructor(id: string) {
    super(`no dead letter with id "${id}"`);
  }
}
