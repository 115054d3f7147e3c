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
