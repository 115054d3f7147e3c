import type { Clock } from '../shared/clock';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import type { SagaStore } from './ports';
import { type SagaCommitter, type SagaPlan, groupBy } from './saga-committer';

/**
 * Fires due durable timers (attempt timeouts, retry backoffs, saga deadlines), with one commit for all of them.
 * Safe on several engine processes at once: a timer fires only with the commit that deletes it, and a saga that
 * changed meanwhile keeps its timer for the next round.
 */
export class TimerFiring {
  constructor(
    private readonly store: SagaStore,
    private readonly committer: SagaCommitter,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Fires every timer due now (at most `limit`); returns how many fired. */
  async fireDue(limit = 100): Promise<number> {
    const due = await this.store.dueTimers(this.clock.now(), limit);
    await this.committer.prepare(due.map((timer) => timer.saga));
    const plans: SagaPlan[] = [];
    for (const timers of groupBy(due, (timer) => timer.saga.id).values()) {
      try {
        plans.push(
          this.committer.plan(
            timers[0]!.saga,
            timers.map((timer) => ({ type: 'timer', timer: timer.payload })),
            { firedTimers: timers.map((timer) => timer.key) },
          ),
        );
      } catch (error) {
        this.logger.error('could not fire timers', {
          sagaId: timers[0]!.saga.id,
          error: (error as Error).message,
        });
      }
    }
    const { written, failed } = await this.committer.commit(plans);
    for (const [sagaId, error] of failed) {
      this.logger.error('could not fire timers', { sagaId, error: error.message });
    }
    return plans
      .filter((plan) => written.has(plan.change.sagaId))
      .reduce((count, plan) => count + plan.decisions.length, 0);
  }
}
