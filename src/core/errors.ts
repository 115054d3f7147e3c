/** A detail of a validation error: which field, and what is wrong with it. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** Base of every expected error: a stable code that callers (and the HTTP filter) rely on. */
export abstract class SagaEngineError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends SagaEngineError {
  readonly code = 'VALIDATION_FAILED';
}

export class UnknownDefinitionError extends SagaEngineError {
  readonly code = 'DEFINITION_NOT_FOUND';
  constructor(name: string) {
    const shown = JSON.stringify(name.slice(0, 100));
    super(`no saga definition named ${shown}`, [{ path: 'name', message: `unknown saga ${shown}` }]);
  }
}

export class SagaNotFoundError extends SagaEngineError {
  readonly code = 'SAGA_NOT_FOUND';
  constructor(id: string) {
    super(`no saga with id ${JSON.stringify(id.slice(0, 100))}`);
  }
}

export class IdempotencyConflictError extends SagaEngineError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor(key: string) {
    super(`Idempotency-Key ${JSON.stringify(key)} was already used with a different request`);
  }
}

export class SagaStatusConflictError extends SagaEngineError {
  readonly code = 'SAGA_STATUS_CONFLICT';
  constructor(id: string, status: string, action: string) {
    super(`saga "${id}" is ${status}: it cannot ${action}`);
  }
}
