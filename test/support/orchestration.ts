import type { Reply } from 'saga-orchestrator-sdk/contracts';
import { OperatorActions } from '../../src/orchestrator/operator-actions';
import type {
  CommandPublisher,
  DefinitionSource,
  ReplyResult,
  SagaStore,
} from '../../src/orchestrator/ports';
import { ReplyApplier } from '../../src/orchestrator/reply-applier';
import { type ReplyAuthorization, openReplies } from '../../src/orchestrator/reply-authorization';
import { SagaCache } from '../../src/orchestrator/saga-cache';
import { SagaCommitter } from '../../src/orchestrator/saga-committer';
import { type StartSagaRequest, type StartedSaga, SagaStarter } from '../../src/orchestrator/saga-starter';
import { TimerFiring } from '../../src/orchestrator/timer-firing';
import { type Clock, type IdGenerator, randomIds, systemClock } from '../../src/shared/clock';
import { silentLogger } from 'saga-orchestrator-sdk/internal/shared/logger';

export interface OrchestrationDeps {
  store: SagaStore;
  definitions: DefinitionSource;
  publisher: CommandPublisher;
  cache?: SagaCache;
  clock?: Clock;
  newId?: IdGenerator;
  authorization?: ReplyAuthorization;
}

/** The orchestrator's parts wired as the orchestrator module wires them, on the ports a test chooses. */
export class Orchestration {
  readonly cache: SagaCache;
  readonly committer: SagaCommitter;
  readonly starter: SagaStarter;
  readonly replies: ReplyApplier;
  readonly operator: OperatorActions;
  readonly timers: TimerFiring;

  constructor(deps: OrchestrationDeps) {
    const clock = deps.clock ?? systemClock;
    const newId = deps.newId ?? randomIds;
    this.cache = deps.cache ?? new SagaCache(64 * 1024 * 1024);
    const { store, definitions, publisher } = deps;
    this.committer = new SagaCommitter({
      store,
      definitions,
      publisher,
      cache: this.cache,
      clock,
      newId,
      logger: silentLogger,
      listeners: [],
    });
    this.starter = new SagaStarter({
      store,
      definitions,
      committer: this.committer,
      clock,
      newId,
      logger: silentLogger,
    });
    this.replies = new ReplyApplier({
      store,
      committer: this.committer,
      cache: this.cache,
      authorization: deps.authorization ?? openReplies,
    });
    this.operator = new OperatorActions(store, this.committer);
    this.timers = new TimerFiring(store, this.committer, clock, silentLogger);
  }

  start(request: StartSagaRequest): Promise<StartedSaga> {
    return this.starter.start(request);
  }

  /** Replies as they would come without a `user_id`. */
  handleReplies(replies: Reply[]): Promise<ReplyResult[]> {
    return this.replies.apply(replies.map((reply) => ({ reply, userId: null })));
  }
}
