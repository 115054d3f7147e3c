import type { CommandKind } from 'saga-orchestrator-sdk/contracts';

/** A durable timer's meaning. A timer that no longer matches the saga's state is ignored when it fires. */
export type TimerPayload =
  | { type: 'attempt-timeout'; step: string; kind: CommandKind; attempt: number; messageId: string }
  | { type: 'retry'; step: string; kind: CommandKind; attempt: number; causationId: string }
  | { type: 'saga-deadline' };

/** Unique per saga: scheduling a key again replaces the earlier timer. */
export function timerKey(timer: TimerPayload): string {
  switch (timer.type) {
    case 'attempt-timeout':
      return `${timer.step}:${timer.kind}:timeout:${timer.attempt}`;
    case 'retry':
      return `${timer.step}:${timer.kind}:retry:${timer.attempt}`;
    case 'saga-deadline':
      return 'saga-deadline';
  }
}
