import type { SagaDefinition } from '../core/definition/types';
import type { Decision } from '../core/effects';
import { SagaVersionMissingError } from '../core/errors';
import type { SagaState } from '../core/state';
import type { Trigger } from '../core/triggers';
import { timerKey } from '../core/timers';
import { decide, setAside } from '../core/transition';
import type { Clock, IdGenerator } from '../shared/clock';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import type {
  CommandPublisher,
  Committed,
  DecisionListener,
  DefinitionSource,
  SagaChange,
  SagaStore,
  StoredSaga,
} from './ports';
import type { SagaCache } from './saga-cache';
import { type ConsumedInputs, sagaChange } from './saga-change';

/** The decisions made on one saga and the change that records them. */
export interface SagaPlan {
  /** The saga as read, before the decisions; null for a saga they start. */
  before: SagaState | null;
  decisions: Decision[];
  /**
   * Why the saga was set aside instead of deciding the triggers (its definition version cannot be had); the
   * triggers were not applied. Null when they were.
   */
  setAside: string | null;
  /** Per decision: what caused it, for the log lines. */
  contexts: Array<Record<string, string>>;
  change: SagaChange;
}

/** How a batch of changes is written: an update of sagas read before, or an insert of new ones. */
export type CommitStatement = (plans: SagaPlan[], confirmedOutboxIds: string[]) => Promise<Committed>;

export interface CommitOutcome {
  /** Sagas whose change took effect; the others moved on since they were read. */
  written: Set<string>;
  /** Sagas whose change could not be written, and why. */
  failed: Map<string, Error>;
}

export interface SagaCommitterDeps {
  store: SagaStore;
  definitions: DefinitionSource;
  publisher: CommandPublisher;
  cache: SagaCache;
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
  listeners: DecisionListener[];
}

/**
 * Decide → commit → publish, for starts, replies, timers and operator actions alike. A batch of changes is written
 * by one statement; each saga's change takes effect only if the saga is still at the revision it was read at.
 * After the commit, the commands are handed to the broker, the listeners told and the sagas remembered.
 */
export class SagaCommitter {
  constructor(private readonly deps: SagaCommitterDeps) {}

  /**
   * Decides `triggers` one after another on the saga as read. A saga whose definition version storage could not
   * give is set aside instead (the triggers are not applied; timers that fired are consumed, replies are not).
   */
  plan(saga: StoredSaga, triggers: Trigger[], consumed: ConsumedInputs = {}): SagaPlan {
    const missing = this.definitionMissing(saga);
    if (missing !== undefined) return this.setAsidePlan(saga, missing, consumed);
    const definition = this.definitionOf(saga);
    const decisions: Decision[] = [];
    let state = saga.state;
    for (const trigger of triggers) {
      const decision = decide(definition, state, trigger, {
        now: this.deps.clock.now(),
        newId: this.deps.newId,
        random: Math.random,
      });
      decisions.push(decision);
      state = decision.state;
    }
    return {
      before: saga.state,
      decisions,
      setAside: null,
      contexts: triggers.map(triggerContext),
      change: sagaChange(
        { sagaId: saga.id, revision: saga.revision, lastSeq: saga.lastSeq },
        decisions,
        consumed,
      ),
    };
  }

  /** Why the saga's definition version cannot be had, once storage was asked for it; else undefined. */
  definitionMissing(saga: StoredSaga): string | undefined {
    const { name, version } = saga.state;
    if (this.deps.definitions.get(name, version) !== undefined) return undefined;
    return this.deps.definitions.unavailable(name, version);
  }

  private setAsidePlan(saga: StoredSaga, missing: string, consumed: ConsumedInputs): SagaPlan {
    const reason = `its definition cannot be had: ${missing}`;
    const decision = setAside(saga.state, reason, {
      now: this.deps.clock.now(),
      newId: this.deps.newId,
      random: Math.random,
    });
    return {
      before: saga.state,
      decisions: [decision],
      setAside: reason,
      contexts: [{}],
      change: sagaChange({ sagaId: saga.id, revision: saga.revision, lastSeq: saga.lastSeq }, [decision], {
        firedTimers: consumed.firedTimers ?? [],
      }),
    };
  }

  /** Before planning: the definition versions of these sagas, read from storage when another process stored them. */
  async prepare(sagas: Iterable<StoredSaga>): Promise<void> {
    const keys = [];
    for (const saga of sagas) {
      const { name, version } = saga.state;
      if (this.deps.definitions.get(name, version) === undefined) keys.push({ name, version });
    }
    if (keys.length > 0) await this.deps.definitions.ensure(keys);
  }

  definitionOf(saga: StoredSaga): SagaDefinition {
    const definition = this.deps.definitions.get(saga.state.name, saga.state.version);
    if (definition === undefined) {
      const { name, version } = saga.state;
      const why = this.deps.definitions.unavailable(name, version) ?? `${name}@${version} was not read`;
      throw new SagaVersionMissingError(saga.id, why);
    }
    return definition;
  }

  /** Updates sagas read before. */
  readonly update: CommitStatement = (plans, confirmed) =>
    this.deps.store.update(
      plans.map((plan) => plan.change),
      confirmed,
    );

  /**
   * Commits all plans with one statement. If the store refuses a value in it, each saga is committed on its own,
   * so that one saga the database refuses (a value too large for an index, say) holds back no other; any other
   * failure fails them all.
   */
  async commit(plans: SagaPlan[], statement: CommitStatement = this.update): Promise<CommitOutcome> {
    const failed = new Map<string, Error>();
    try {
      return { written: await this.commitOnce(plans, statement), failed };
    } catch (error) {
      if (plans.length === 1 || !this.deps.store.refusedValue(error)) {
        for (const plan of plans) failed.set(plan.change.sagaId, error as Error);
        return { written: new Set(), failed };
      }
    }
    const written = new Set<string>();
    for (const plan of plans) {
      try {
        if ((await this.commitOnce([plan], statement)).has(plan.change.sagaId))
          written.add(plan.change.sagaId);
      } catch (error) {
        failed.set(plan.change.sagaId, error as Error);
      }
    }
    return { written, failed };
  }

  /**
   * One statement for the plans; then the commands queued go to the broker and the decisions of the sagas written
   * are reported. Outbox rows the broker confirmed since the last commit are deleted with it.
   */
  private async commitOnce(plans: SagaPlan[], statement: CommitStatement): Promise<Set<string>> {
    if (plans.length === 0) return new Set();
    const { publisher, cache } = this.deps;
    const confirmed = publisher.takeConfirmed();
    let result: Committed;
    try {
      result = await statement(plans, confirmed);
    } catch (error) {
      publisher.giveBackConfirmed(confirmed);
      for (const plan of plans) cache.forget(plan.change.sagaId);
      throw error;
    }
    publisher.publish(result.queued);
    for (const plan of plans) {
      const { sagaId, expectedRevision, lastSeq } = plan.change;
      if (!result.written.has(sagaId)) {
        cache.forget(sagaId);
        continue;
      }
      const state = plan.decisions.at(-1)!.state;
      // A change that changed nothing carried no state to measure: the saga keeps the size it had, if known.
      const bytes = plan.change.state === null ? cache.bytesOf(sagaId) : result.rowBytes.get(sagaId);
      if (bytes === undefined) cache.forget(sagaId);
      else cache.remember({ id: sagaId, state, revision: expectedRevision + 1, lastSeq }, bytes);
      this.reportCommitted(plan);
    }
    return result.written;
  }

  /** The fields every log line about the decision's saga carries: its scope, and what the listeners add. */
  logScope(decision: Decision): Record<string, string> {
    const scope = sagaScope(decision);
    for (const listener of this.deps.listeners) {
      if (listener.logFields !== undefined) Object.assign(scope, listener.logFields(decision.state));
    }
    return scope;
  }

  private reportCommitted(plan: SagaPlan): void {
    plan.decisions.forEach((decision, n) => {
      const before = n === 0 ? plan.before : plan.decisions[n - 1]!.state;
      const cause = plan.contexts[n] ?? {};
      for (const listener of this.deps.listeners) listener.committed(decision, before, cause);
      const scope = { ...this.logScope(decision), ...cause };
      for (const event of decision.events) {
        const fields = { ...scope, ...(event.step === null ? {} : { step: event.step }) };
        if (plan.setAside === null) this.deps.logger.info(event.type, fields);
        else this.deps.logger.warn('saga set aside', { ...fields, reason: plan.setAside });
      }
    });
  }
}

function triggerContext(trigger: Trigger): Record<string, string> {
  switch (trigger.type) {
    case 'reply':
      return {
        replyId: trigger.reply.message_id,
        inReplyTo: trigger.reply.in_reply_to,
        step: trigger.reply.step,
      };
    case 'timer':
      return { timer: timerKey(trigger.timer) };
    default:
      return { operator: trigger.type };
  }
}

/** The fields every log line about a saga carries. */
export function sagaScope(decision: Decision): Record<string, string> {
  return {
    sagaId: decision.state.id,
    saga: `${decision.state.name}@${decision.state.version}`,
    correlationId: decision.state.correlationId,
  };
}

/** Items by key, in the order given (within each key and across keys). */
export function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}
