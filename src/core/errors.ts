/** A detail of a validation error: which field, and what is wrong with it. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/**
 * Base of every expected error of the engine: a stable `code` callers rely on (the HTTP filter maps codes to
 * statuses in one table), and whether the same request may succeed when tried again.
 */
export abstract class SagaEngineError extends Error {
  abstract readonly code: string;
  readonly retryable: boolean = false;

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

export class DefinitionNotFoundError extends SagaEngineError {
  readonly code = 'DEFINITION_NOT_FOUND';
  constructor(name: string) {
    const shown = JSON.stringify(name.slice(0, 100));
    super(`no saga definition named ${shown}`, [{ path: 'name', message: `unknown saga ${shown}` }]);
  }
}

export class StepNotFoundError extends SagaEngineError {
  readonly code = 'STEP_NOT_FOUND';
  constructor(sagaId: string, step: string) {
    super(`saga ${sagaId} has no step ${JSON.stringify(step.slice(0, 100))}`);
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

/** The saga changed between each read and write, several times in a row: another engine process is busy with it. */
export class SagaKeptChangingError extends SagaEngineError {
  readonly code = 'SAGA_KEPT_CHANGING';
  override readonly retryable = true;
  constructor(sagaId: string) {
    super(`saga ${sagaId} kept changing while being written; try again`);
  }
}

/**
 * A saga runs on a definition version that cannot be had: not stored, or stored in a form this engine cannot
 * read. Such a saga is set aside; an operator action on it waits until the version can be had again.
 */
export class SagaVersionMissingError extends SagaEngineError {
  readonly code = 'SAGA_VERSION_MISSING';
  constructor(sagaId: string, why: string) {
    super(`saga ${sagaId} cannot run: ${why}`);
  }
}

/** Something the engine holds true was not: a bug, never the caller's fault, and trying again will not help. */
export class InvariantError extends SagaEngineError {
  readonly code = 'INVARIANT_BROKEN';
}

/** PostgreSQL or RabbitMQ cannot be reached now; the same request may succeed later. */
export class DependencyUnavailableError extends SagaEngineError {
  readonly code = 'UNAVAILABLE';
  override readonly retryable = true;
}
