import type { SagaDefinition } from '../core/definition/types';
import {
  type ErrorDetail,
  SagaEngineError,
  SagaKeptChangingError,
  SagaNotFoundError,
  ValidationFailedError,
} from '../core/errors';
import { migrationRefusals } from '../core/migration';
import { isSagaId } from '../core/saga-id';
import type { SagaStatus } from '../core/status';
import type { DefinitionSource, SagaStore, StoredSaga } from './ports';
import { MAX_WRITE_ROUNDS } from './reply-applier';
import type { SagaCommitter } from './saga-committer';

/** The contract's compatibility rule refuses the move: one detail per reason. */
export class MigrationRefusedError extends SagaEngineError {
  readonly code = 'MIGRATION_REFUSED';
  constructor(sagaId: string, version: number, reasons: ErrorDetail[]) {
    super(`saga ${sagaId} cannot move to version ${version}: ${reasons.length} reason(s)`, reasons);
  }
}

export interface MigrationRequest {
  version: number;
  reason: string;
  requestId?: string;
  /** The acting API key's fingerprint, or null on an open API. */
  actor: string | null;
  /** Check only: nothing is written. */
  dryRun?: boolean;
}

export interface MigrationOutcome {
  status: SagaStatus;
  version: number;
  /** False when the saga already ran that version, or on a dry run. */
  changed: boolean;
}

/** Moves running sagas to another stored version of their definition, through the decision and commit. */
export class SagaMigration {
  constructor(
    private readonly store: SagaStore,
    private readonly committer: SagaCommitter,
    private readonly definitions: DefinitionSource,
  ) {}

  async migrate(sagaId: string, request: MigrationRequest): Promise<MigrationOutcome> {
    if (!isSagaId(sagaId)) throw new SagaNotFoundError(sagaId);
    for (let round = 1; round <= MAX_WRITE_ROUNDS; round++) {
      const saga = await this.store.read(sagaId);
      if (saga === null) throw new SagaNotFoundError(sagaId);
      const { status, version } = saga.state;
      if (version === request.version) return { status, version, changed: false };
      const to = await this.target(saga, request.version);
      const refusals = migrationRefusals(this.committer.definitionOf(saga), to, saga.state);
      if (refusals.length > 0) throw new MigrationRefusedError(sagaId, request.version, refusals);
      if (request.dryRun === true) return { status, version: request.version, changed: false };
      const plan = this.committer.plan(saga, [
        {
          type: 'operator-migrate',
          to,
          reason: request.reason,
          causationId: request.requestId ?? sagaId,
          actor: request.actor,
        },
      ]);
      const { written, failed } = await this.committer.commit([plan]);
      const error = failed.get(sagaId);
      if (error !== undefined) throw error;
      if (written.has(sagaId))
        return { status: plan.decisions[0]!.state.status, version: to.version, changed: true };
    }
    throw new SagaKeptChangingError(sagaId);
  }

  private async target(saga: StoredSaga, version: number): Promise<SagaDefinition> {
    const { name } = saga.state;
    await this.committer.prepare([saga]);
    await this.definitions.ensure([{ name, version }]);
    const to = this.definitions.get(name, version);
    if (to === undefined) {
      throw new ValidationFailedError(`saga "${name}" has no stored version ${version}`, [
        { path: 'version', message: `no stored version ${version} of "${name}"` },
      ]);
    }
    return to;
  }
}
