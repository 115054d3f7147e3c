import type { Command, CommandKind, JsonObject, Reply } from 'saga-orchestrator-sdk/contracts';
import type { SagaDefinition } from '../core/definition/types';
import { type SagaEvent, SagaEventType } from '../core/events';
import { type VirtualClock, formatOffset } from './virtual-clock';

export const TimelineEntryType = {
  start: 'start',
  command: 'command',
  reply: 'reply',
  timeout: 'timeout',
  retry: 'retry',
  skip: 'skip',
  stepFailed: 'step-failed',
  deadline: 'deadline',
  compensating: 'compensating',
  compensation: 'compensation',
  compensationFailed: 'compensation-failed',
  suspended: 'suspended',
  end: 'end',
  /** The simulation stopped before the saga reached an end (see `SimulationLimits`). */
  stopped: 'stopped',
  /** Any other entry of the saga's log, by its type. */
  log: 'log',
} as const;
export type TimelineEntryType = (typeof TimelineEntryType)[keyof typeof TimelineEntryType];

export interface TimelineEntry {
  /** Virtual milliseconds since the saga started. */
  atMs: number;
  /** The same, for people: `+1.250s`. */
  at: string;
  type: TimelineEntryType;
  step: string | null;
  kind: CommandKind | null;
  attempt: number | null;
  detail: string;
}

type EntryFields = Pick<TimelineEntry, 'type' | 'detail'> &
  Partial<Pick<TimelineEntry, 'step' | 'kind' | 'attempt'>>;

/**
 * Turns what happens in a simulation into timeline entries, each at the virtual time it happened: the core's log
 * (commands sent, retries scheduled, steps skipped or failed, compensation, the end) and what the simulation
 * itself delivers (replies, attempt timeouts). A success shows as its reply, so the core's own success entries
 * are left out.
 */
export class TimelineRecorder {
  readonly entries: TimelineEntry[] = [];

  constructor(
    private readonly definition: SagaDefinition,
    private readonly clock: VirtualClock,
  ) {}

  reply(command: Command, reply: Reply): void {
    const outcome =
      reply.outcome === 'failure'
        ? `failure ${reply.error.code} (${reply.error.retryable ? 'retryable' : 'not retryable'})`
        : reply.outcome;
    this.add({
      ...this.about(command),
      type: TimelineEntryType.reply,
      detail: `${this.named(command)}: ${outcome}`,
    });
  }

  timeout(command: Command): void {
    const timeoutMs = Date.parse(command.deadline) - Date.parse(command.timestamp);
    this.add({
      ...this.about(command),
      type: TimelineEntryType.timeout,
      detail: `${this.named(command)}: no reply within ${formatSeconds(timeoutMs)}`,
    });
  }

  stopped(reason: string): void {
    this.add({ type: TimelineEntryType.stopped, detail: reason });
  }

  events(events: readonly SagaEvent[]): void {
    for (const event of events) {
      const fields = this.describe(event);
      if (fields !== null) this.add({ step: event.step, ...fields });
    }
  }

  private describe(event: SagaEvent): EntryFields | null {
    const { data } = event;
    const attempt = numberAt(data, 'attempt');
    switch (event.type) {
      case SagaEventType.sagaStarted:
        return {
          type: TimelineEntryType.start,
          detail: `${this.definition.name}@${this.definition.version} with input ${JSON.stringify(data.input)}`,
        };
      case SagaEventType.commandSent: {
        const kind: CommandKind = data.kind === 'compensation' ? 'compensation' : 'action';
        const participant = this.participantOf(event.step);
        return {
          type: kind === 'action' ? TimelineEntryType.command : TimelineEntryType.compensation,
          kind,
          attempt,
          detail: `${String(data.type)} #${attempt ?? '?'} to ${participant}`,
        };
      }
      case SagaEventType.stepAttemptFailed:
      case SagaEventType.stepAttemptTimedOut:
      case SagaEventType.compensationAttemptFailed:
      case SagaEventType.compensationAttemptTimedOut: {
        const retryAt = stringAt(data, 'retryAt');
        if (retryAt === null || attempt === null) return null;
        const retryKind: CommandKind =
          event.type === SagaEventType.stepAttemptFailed || event.type === SagaEventType.stepAttemptTimedOut
            ? 'action'
            : 'compensation';
        const delayMs = this.clock.offsetOf(retryAt) - this.clock.elapsed;
        return {
          type: TimelineEntryType.retry,
          kind: retryKind,
          attempt: attempt + 1,
          detail: `${this.commandOf(event.step, retryKind)} #${attempt + 1} due at ${formatOffset(this.clock.offsetOf(retryAt))} (backoff ${formatSeconds(delayMs)})`,
        };
      }
      case SagaEventType.stepSkipped:
        return { type: TimelineEntryType.skip, detail: 'its condition does not hold' };
      case SagaEventType.stepFailed:
        return {
          type: TimelineEntryType.stepFailed,
          kind: 'action',
          attempt,
          detail: `${data.outcome === 'unknown' ? 'outcome unknown' : 'failed'}: ${errorCodeAt(data) ?? stringAt(data, 'reason') ?? 'no reason given'}`,
        };
      case SagaEventType.sagaDeadlinePassed:
        return { type: TimelineEntryType.deadline, detail: 'the saga deadline passed' };
      case SagaEventType.compensationStarted:
        return {
          type: TimelineEntryType.compensating,
          detail: compensationReason(stringAt(data, 'reason')),
        };
      case SagaEventType.compensationFailed:
        return {
          type: TimelineEntryType.compensationFailed,
          kind: 'compensation',
          attempt,
          detail: `gave up: ${errorCodeAt(data) ?? 'no error given'}`,
        };
      case SagaEventType.sagaSuspended:
        return {
          type: TimelineEntryType.suspended,
          kind: 'action',
          attempt,
          detail: `${stringAt(data, 'reason') ?? 'suspended'}: ${errorCodeAt(data) ?? 'no error given'}`,
        };
      case SagaEventType.sagaCompleted:
        return { type: TimelineEntryType.end, detail: 'COMPLETED' };
      case SagaEventType.sagaCompensated:
        return { type: TimelineEntryType.end, detail: 'COMPENSATED' };
      case SagaEventType.sagaCompensationFailed: {
        const steps = Array.isArray(data.steps) ? data.steps.map(String).join(', ') : '';
        return { type: TimelineEntryType.end, detail: `COMPENSATION_FAILED (${steps})` };
      }
      case SagaEventType.stepSucceeded:
      case SagaEventType.compensationSucceeded:
        return null;
      case SagaEventType.replyIgnored:
      case SagaEventType.sagaRetried:
      case SagaEventType.sagaAborted:
      case SagaEventType.attemptExtended:
      case SagaEventType.sagaResumed:
      case SagaEventType.sagaMigrated:
      case SagaEventType.stepCompletedByOperator:
      case SagaEventType.compensationCompletedByOperator:
        return { type: TimelineEntryType.log, detail: event.type };
    }
  }

  private add(fields: EntryFields): void {
    const atMs = this.clock.elapsed;
    this.entries.push({
      atMs,
      at: formatOffset(atMs),
      type: fields.type,
      step: fields.step ?? null,
      kind: fields.kind ?? null,
      attempt: fields.attempt ?? null,
      detail: fields.detail,
    });
  }

  private about(command: Command): Pick<TimelineEntry, 'step' | 'kind' | 'attempt'> {
    return { step: command.step, kind: command.kind, attempt: command.attempt };
  }

  private named(command: Command): string {
    return `${command.type} #${command.attempt}`;
  }

  private participantOf(stepName: string | null): string {
    return this.definition.steps.find((step) => step.name === stepName)?.participant ?? '?';
  }

  private commandOf(stepName: string | null, kind: CommandKind): string {
    const step = this.definition.steps.find((candidate) => candidate.name === stepName);
    return (kind === 'action' ? step?.actionCommand : step?.compensationCommand) ?? '?';
  }
}

function compensationReason(reason: string | null): string {
  switch (reason) {
    case 'step-failed':
      return 'the step failed: undoing what ran, latest first';
    case 'saga-deadline':
      return 'the saga deadline passed: undoing what ran, latest first';
    default:
      return `undoing what ran, latest first (${reason ?? 'no reason given'})`;
  }
}

/** `10s`, `1.5s`, `200ms`. */
function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}

function numberAt(data: JsonObject, key: string): number | null {
  const value = data[key];
  return typeof value === 'number' ? value : null;
}

function stringAt(data: JsonObject, key: string): string | null {
  const value = data[key];
  return typeof value === 'string' ? value : null;
}

function errorCodeAt(data: JsonObject): string | null {
  const { error } = data;
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return null;
  return typeof error.code === 'string' ? error.code : null;
}
