import {
  type DynamicModule,
  Global,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { AppConfig } from '../config/config';
import type { Clock, IdGenerator } from '../shared/clock';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { CLOCK, ID_GENERATOR, LOGGER } from '../shared/tokens';
import { OperatorActions } from './operator-actions';
import type { CommandPublisher, DecisionListener, DefinitionSource, SagaStore } from './ports';
import { ReplyApplier } from './reply-applier';
import { replyAuthorizationFor } from './reply-authorization';
import { SagaCache } from './saga-cache';
import { SagaCommitter } from './saga-committer';
import { SagaMigration } from './saga-migration';
import { SagaRerun } from './saga-rerun';
import { SagaStarter } from './saga-starter';
import { TimerFiring } from './timer-firing';
import { TimerPoller } from './timer-poller';
import {
  COMMAND_PUBLISHER,
  DECISION_LISTENERS,
  DEFINITION_SOURCE,
  REPLY_APPLIER,
  SAGA_STORE,
} from './tokens';

/**
 * Starting sagas, applying replies, firing timers and operator actions, all through one committer, on the ports
 * the other areas provide (the saga store, the command publisher, the definitions, the decision listeners).
 */
@Global()
@Module({})
export class OrchestratorModule implements OnApplicationBootstrap, OnModuleDestroy {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: OrchestratorModule,
      providers: [
        { provide: SagaCache, useFactory: () => new SagaCache(config.sagaCacheBytes) },
        {
          provide: SagaCommitter,
          inject: [
            SAGA_STORE,
            DEFINITION_SOURCE,
            COMMAND_PUBLISHER,
            SagaCache,
            CLOCK,
            ID_GENERATOR,
            LOGGER,
            DECISION_LISTENERS,
          ],
          useFactory: (
            store: SagaStore,
            definitions: DefinitionSource,
            publisher: CommandPublisher,
            cache: SagaCache,
            clock: Clock,
            newId: IdGenerator,
            logger: Logger,
            listeners: DecisionListener[],
          ) => new SagaCommitter({ store, definitions, publisher, cache, clock, newId, logger, listeners }),
        },
        {
          provide: SagaStarter,
          inject: [SAGA_STORE, DEFINITION_SOURCE, SagaCommitter, CLOCK, ID_GENERATOR, LOGGER],
          useFactory: (
            store: SagaStore,
            definitions: DefinitionSource,
            committer: SagaCommitter,
            clock: Clock,
            newId: IdGenerator,
            logger: Logger,
          ) => new SagaStarter({ store, definitions, committer, clock, newId, logger }),
        },
        {
          provide: ReplyApplier,
          inject: [SAGA_STORE, SagaCommitter, SagaCache, DEFINITION_SOURCE],
          useFactory: (
            store: SagaStore,
            committer: SagaCommitter,
            cache: SagaCache,
            definitions: DefinitionSource,
          ) =>
            new ReplyApplier({
              store,
              committer,
              cache,
              authorization: replyAuthorizationFor(config, definitions.participants()),
            }),
        },
        { provide: REPLY_APPLIER, useExisting: ReplyApplier },
        {
          provide: OperatorActions,
          inject: [SAGA_STORE, SagaCommitter],
          useFactory: (store: SagaStore, committer: SagaCommitter) => new OperatorActions(store, committer),
        },
        {
          provide: SagaRerun,
          inject: [SAGA_STORE, SagaStarter],
          useFactory: (store: SagaStore, starter: SagaStarter) => new SagaRerun(store, starter),
        },
        {
          provide: SagaMigration,
          inject: [SAGA_STORE, SagaCommitter, DEFINITION_SOURCE],
          useFactory: (store: SagaStore, committer: SagaCommitter, definitions: DefinitionSource) =>
            new SagaMigration(store, committer, definitions),
        },
        {
          provide: TimerFiring,
          inject: [SAGA_STORE, SagaCommitter, CLOCK, LOGGER],
          useFactory: (store: SagaStore, committer: SagaCommitter, clock: Clock, logger: Logger) =>
            new TimerFiring(store, committer, clock, logger),
        },
        {
          provide: TimerPoller,
          inject: [TimerFiring, LOGGER],
          useFactory: (timers: TimerFiring, logger: Logger) => new TimerPoller(timers, logger),
        },
      ],
      exports: [SagaStarter, OperatorActions, SagaMigration, SagaRerun, REPLY_APPLIER, TimerFiring],
    };
  }

  constructor(@Inject(TimerPoller) private readonly poller: TimerPoller) {}

  onApplicationBootstrap(): void {
    this.poller.start();
  }

  /** Stops firing timers; the timer being applied is finished. */
  async onModuleDestroy(): Promise<void> {
    await this.poller.stop();
  }
}
