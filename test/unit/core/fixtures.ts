import {
  type Command,
  type CommandKind,
  type JsonObject,
  type JsonValue,
  type Reply,
  type ReplyError,
  replyAnswering,
} from 'saga-orchestrator-sdk/contracts';
import type { DecisionContext } from '../../../src/core/context';
import { compileDefinition } from '../../../src/core/definition/compile';
import type { SagaDefinition } from '../../../src/core/definition/types';
import type { Decision, Effect } from '../../../src/core/effects';
import type { SagaEvent } from '../../../src/core/events';
import type { Trigger } from '../../../src/core/triggers';
import type { SagaState, StepState } from '../../../src/core/state';
import type { TimerPayload } from '../../../src/core/timers';
import { decide, setAside, startSaga, type StartParams } from '../../../src/core/transition';
import { orderStepCommands } from '../../support/order-saga';

// ── time and ids ─────────────────────────────────────────────────────────────

export const T0 = new Date('2026-11-25T10:30:00.000Z');

/** The ISO timestamp `ms` milliseconds after T0. */
export function at(ms: number): string {
  return new Date(T0.getTime() + ms).toISOString();
}

/** Milliseconds between two ISO timestamps. */
export function msBetween(from: string, to: string): number {
  return Date.parse(to) - Date.parse(from);
}

/** A clock that only moves when told to. */
export class FakeClock {
  private current: number;

  constructor(start: Date = T0) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  nowIso(): string {
    return this.now().toISOString();
  }

  advance(ms: number): void {
    this.current += ms;
  }

  /** Moves to an ISO instant; never backwards. */
  moveTo(iso: string): void {
    const target = Date.parse(iso);
    if (target < this.current) throw new Error(`clock cannot go back from ${this.nowIso()} to ${iso}`);
    this.current = target;
  }
}

/** Deterministic ids: `msg-1`, `msg-2`, … */
export class CountingIds {
  private count = 0;

  constructor(private readonly prefix = 'msg') {}

  readonly next = (): string => `${this.prefix}-${++this.count}`;

  get issued(): number {
    return this.count;
  }
}

// ── definitions ──────────────────────────────────────────────────────────────

export interface RetryDocument {
  attempts?: number;
  backoff?: number | string;
  multiplier?: number;
  maxBackoff?: number | string;
}

export interface StepDocument {
  name: string;
  participant?: string;
  action?: string;
  /** `null` removes the compensation (and its retry policy). */
  compensation?: string | null;
  timeout?: number | string;
  retry?: RetryDocument;
  compensationRetry?: RetryDocument;
  payload?: JsonObject;
}

export interface SagaDocument {
  name?: string;
  version?: number;
  timeout?: number | string | null;
  steps: StepDocument[];
}

/** Compiles a definition document through the real loader; fails the test on any problem. */
export function defineSaga(document: SagaDocument): SagaDefinition {
  const steps = document.steps.map((step) => {
    const { compensation, compensationRetry, ...rest } = step;
    const compiled: Record<string, unknown> = {
      participant: `${step.name}-service`,
      action: `Do-${step.name}`,
      ...rest,
    };
    if (compensation !== null) {
      compiled.compensation = compensation ?? `Undo-${step.name}`;
      if (compensationRetry !== undefined) compiled.compensationRetry = compensationRetry;
    }
    return compiled;
  });
  const file: Record<string, unknown> = {
    name: document.name ?? 'order-fulfillment',
    version: document.version ?? 1,
    steps,
  };
  if (document.timeout !== undefined && document.timeout !== null) file.timeout = document.timeout;
  const result = compileDefinition(file);
  if (!result.ok) throw new Error(`invalid test definition: ${JSON.stringify(result.problems)}`);
  return result.definition;
}

export type OrderStep = 'reserve' | 'charge' | 'ship';

export interface OrderSagaOptions {
  /** Whole-saga deadline; null (the default) = none. */
  timeout?: number | null;
  steps?: Partial<Record<OrderStep, Partial<StepDocument>>>;
}

/**
 * The order saga of the integration tests (test/support/order-saga.ts), short names and its own timings: three
 * sequential steps; later payloads read earlier outputs. Per-attempt timeouts differ so that a command's deadline
 * shows which step it belongs to; here shipping can be undone too.
 */
export function orderSaga(options: OrderSagaOptions = {}): SagaDefinition {
  const base: Record<OrderStep, StepDocument> = {
    reserve: {
      name: 'reserve',
      ...orderStepCommands.reserve,
      timeout: '10s',
      retry: { attempts: 3, backoff: '200ms', multiplier: 2, maxBackoff: '5s' },
      compensationRetry: { attempts: 3, backoff: '1s', multiplier: 2, maxBackoff: '30s' },
      payload: { orderId: '${input.orderId}', sagaId: '${saga.id}' },
    },
    charge: {
      name: 'charge',
      ...orderStepCommands.charge,
      timeout: '20s',
      retry: { attempts: 3, backoff: '500ms', multiplier: 2, maxBackoff: '5s' },
      compensationRetry: { attempts: 2, backoff: '2s', multiplier: 3, maxBackoff: '30s' },
      payload: {
        orderId: '${input.orderId}',
        amount: '${input.amount}',
        reservationId: '${steps.reserve.output.reservationId}',
      },
    },
    ship: {
      name: 'ship',
      ...orderStepCommands.ship,
      compensation: 'CancelShipment',
      timeout: '5s',
      retry: { attempts: 2, backoff: '1s', multiplier: 2, maxBackoff: '5s' },
      payload: {
        orderId: '${input.orderId}',
        label: 'order ${input.orderId} paid by ${steps.charge.output.paymentId}',
        items: '${steps.reserve.output.items}',
        correlation: '${saga.correlationId}',
      },
    },
  };
  const steps = (['reserve', 'charge', 'ship'] as const).map((name) => ({
    ...base[name],
    ...options.steps?.[name],
  }));
  return defineSaga({ timeout: options.timeout ?? null, steps });
}

export const ORDER_INPUT = { orderId: 'o-1', amount: 42.5 } satisfies JsonValue;

export const START: StartParams = {
  id: 'saga-1',
  input: ORDER_INPUT,
  correlationId: 'corr-1',
  causationId: 'request-1',
  trace: null,
};

// ── replies and errors ───────────────────────────────────────────────────────

export const RETRYABLE: ReplyError = { code: 'BUSY', message: 'try again later', retryable: true };
export const FATAL: ReplyError = { code: 'DECLINED', message: 'card declined', retryable: false };

/** The reply id used unless a test gives one: derived from the command, so a redelivery has the same id. */
export function replyIdFor(command: Command): string {
  return `reply-to-${command.message_id}`;
}

export function successReply(command: Command, output: JsonObject = {}, messageId?: string): Reply {
  return replyAnswering(command, {
    message_id: messageId ?? replyIdFor(command),
    outcome: 'success',
    output,
  });
}

export function failureReply(command: Command, error: ReplyError, messageId?: string): Reply {
  return replyAnswering(command, { message_id: messageId ?? replyIdFor(command), outcome: 'failure', error });
}

let progressReports = 0;

/** An `in_progress` report for a command: restarts that attempt's timeout. Each call gets a new id by default. */
export function progressReply(command: Command, messageId = `progress-report-${++progressReports}`): Reply {
  return replyAnswering(command, { message_id: messageId, outcome: 'in_progress' });
}

// ── effects and log ──────────────────────────────────────────────────────────

export type SendCommand = Extract<Effect, { type: 'send-command' }>;
export type ScheduleTimer = Extract<Effect, { type: 'schedule-timer' }>;

export function sendsOf(decision: Decision): SendCommand[] {
  return decision.effects.filter((effect): effect is SendCommand => effect.type === 'send-command');
}

export function commandsOf(decision: Decision): Command[] {
  return sendsOf(decision).map((effect) => effect.command);
}

/** The one command a decision sends; fails when it sends none or several. */
export function onlyCommand(decision: Decision): Command {
  const commands = commandsOf(decision);
  if (commands.length !== 1) {
    throw new Error(`expected exactly one command, got ${commands.map((c) => c.type).join(', ') || 'none'}`);
  }
  return commands[0]!;
}

export function scheduledOf(decision: Decision): ScheduleTimer[] {
  return decision.effects.filter((effect): effect is ScheduleTimer => effect.type === 'schedule-timer');
}

export function cancelledKeysOf(decision: Decision): string[] {
  return decision.effects.flatMap((effect) => (effect.type === 'cancel-timer' ? [effect.key] : []));
}

export function logTypesOf(decision: Decision): string[] {
  return decision.events.map((entry) => entry.type);
}

export function logEntry(decision: Decision, type: SagaEvent['type']): SagaEvent {
  const entry = decision.events.find((e) => e.type === type);
  if (entry === undefined) throw new Error(`no ${type} log entry in ${logTypesOf(decision).join(', ')}`);
  return entry;
}

export function stepOf(state: SagaState, name: string): StepState {
  const step = state.steps.find((s) => s.name === name);
  if (step === undefined) throw new Error(`no step ${name}`);
  return step;
}

/** Freezes a value and everything in it, so that any mutation throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

// ── a saga driven event by event ─────────────────────────────────────────────

/**
 * Drives one saga through the pure core with a fake clock and counting ids, keeping the latest state and
 * every decision. Timers fire at their scheduled instant: firing moves the clock there first.
 */
export class SagaRun {
  readonly clock: FakeClock;
  readonly ids = new CountingIds('msg');
  /** The decisions' random source (retry jitter); 0.5 unless a test sets it. */
  random: () => number = () => 0.5;
  readonly decisions: Decision[] = [];
  private current: SagaState | null = null;

  constructor(
    private runDefinition: SagaDefinition,
    start: Date = T0,
  ) {
    this.clock = new FakeClock(start);
  }

  /** The definition the saga runs: the one it started with, or the one it was last migrated to. */
  get definition(): SagaDefinition {
    return this.runDefinition;
  }

  get ctx(): DecisionContext {
    return { now: this.clock.now(), newId: this.ids.next, random: this.random };
  }

  get state(): SagaState {
    if (this.current === null) throw new Error('saga not started');
    return this.current;
  }

  get last(): Decision {
    const decision = this.decisions[this.decisions.length - 1];
    if (decision === undefined) throw new Error('no decision yet');
    return decision;
  }

  /** Every command sent so far, oldest first. */
  get sent(): Command[] {
    return this.decisions.flatMap(commandsOf);
  }

  /** The most recently sent command. */
  get lastCommand(): Command {
    const command = this.sent[this.sent.length - 1];
    if (command === undefined) throw new Error('no command sent yet');
    return command;
  }

  step(name: string): StepState {
    return stepOf(this.state, name);
  }

  start(params: Partial<StartParams> = {}): Decision {
    return this.record(startSaga(this.definition, { ...START, ...params }, this.ctx));
  }

  apply(event: Trigger): Decision {
    return this.record(decide(this.definition, this.state, event, this.ctx));
  }

  /** An operator moves the saga to `to`; once the move is made, later decisions use `to`. */
  migrate(to: SagaDefinition, reason = 'fix a later step'): Decision {
    const decision = this.apply({ type: 'operator-migrate', to, reason, causationId: 'operator' });
    if (decision.changed) this.runDefinition = to;
    return decision;
  }

  reply(reply: Reply): Decision {
    return this.apply({ type: 'reply', reply });
  }

  /** The saga's definition version cannot be had: it is set aside (decided without the definition). */
  setAside(reason = 'order-fulfillment@9 is not stored'): Decision {
    return this.record(setAside(this.state, reason, this.ctx));
  }

  succeed(command: Command, output: JsonObject = {}, messageId?: string): Decision {
    return this.reply(successReply(command, output, messageId));
  }

  fail(command: Command, error: ReplyError = RETRYABLE, messageId?: string): Decision {
    return this.reply(failureReply(command, error, messageId));
  }

  /** Moves the clock to the timer's instant and fires it. */
  fire(timer: ScheduleTimer): Decision {
    this.clock.moveTo(timer.fireAt);
    return this.apply({ type: 'timer', timer: timer.timer });
  }

  /** Fires a timer payload now, without moving the clock (e.g. a timer delivered a second time). */
  fireNow(timer: TimerPayload): Decision {
    return this.apply({ type: 'timer', timer: timer });
  }

  /** The attempt-timeout timer scheduled for a command. */
  timeoutOf(command: Command): ScheduleTimer {
    return this.findTimer(
      (t) => t.timer.type === 'attempt-timeout' && t.timer.messageId === command.message_id,
      `attempt timeout of ${command.message_id}`,
    );
  }

  /** The latest retry timer scheduled for a step's action or compensation. */
  retryOf(step: string, kind: CommandKind = 'action'): ScheduleTimer {
    return this.findTimer(
      (t) => t.timer.type === 'retry' && t.timer.step === step && t.timer.kind === kind,
      `retry of ${step} ${kind}`,
    );
  }

  sagaDeadline(): ScheduleTimer {
    return this.findTimer((t) => t.timer.type === 'saga-deadline', 'saga deadline');
  }

  timeout(command: Command): Decision {
    return this.fire(this.timeoutOf(command));
  }

  retry(step: string, kind: CommandKind = 'action'): Decision {
    return this.fire(this.retryOf(step, kind));
  }

  /** Replies success to the latest command, which must be an action of `step`. */
  complete(step: string, output: JsonObject = {}): Decision {
    const command = this.lastCommand;
    if (command.step !== step || command.kind !== 'action') {
      throw new Error(`latest command is ${command.kind} of ${command.step}, not the action of ${step}`);
    }
    return this.succeed(command, output);
  }

  private findTimer(match: (timer: ScheduleTimer) => boolean, what: string): ScheduleTimer {
    const timers = this.decisions.flatMap(scheduledOf).filter(match);
    const timer = timers[timers.length - 1];
    if (timer === undefined) throw new Error(`no ${what} was scheduled`);
    return timer;
  }

  private record(decision: Decision): Decision {
    this.decisions.push(decision);
    this.current = decision.state;
    return decision;
  }
}

/** Outputs that make the order saga's later payloads interesting. */
export const OUTPUTS = {
  reserve: { reservationId: 'r-9', items: [{ sku: 'a-1', qty: 2 }] },
  charge: { paymentId: 'p-7' },
  ship: { trackingId: 't-3' },
} satisfies Record<OrderStep, JsonObject>;

/** Starts the order saga and completes the given number of steps, one second apart. */
export function orderRunAfter(completedSteps: number, options: OrderSagaOptions = {}): SagaRun {
  const run = new SagaRun(orderSaga(options));
  run.start();
  const names: OrderStep[] = ['reserve', 'charge', 'ship'];
  for (const name of names.slice(0, completedSteps)) {
    run.clock.advance(1_000);
    run.complete(name, OUTPUTS[name]);
  }
  return run;
}
