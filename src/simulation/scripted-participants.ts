import { type Command, type Reply, type ReplyError, replyAnswering } from 'saga-orchestrator-sdk/contracts';
import type { Fault } from './faults';

export const SIMULATED_FAILURE: ReplyError = {
  code: 'SIMULATED_FAILURE',
  message: 'fault "fail"',
  retryable: false,
};

export const SIMULATED_RETRYABLE_FAILURE: ReplyError = {
  code: 'SIMULATED_RETRYABLE_FAILURE',
  message: 'fault "retry"',
  retryable: true,
};

/**
 * Participants that answer every command at once with an empty output, unless a fault on the command's step and
 * kind says otherwise. Attempts are counted per step and kind, so `retry:2` fails the first two attempts only.
 */
export class ScriptedParticipants {
  private readonly received = new Map<string, number>();

  constructor(private readonly faults: readonly Fault[]) {}

  /** The participant's reply to a command, or null when the command goes unanswered. */
  answer(command: Command): Reply | null {
    const key = `${command.step}:${command.kind}`;
    const received = (this.received.get(key) ?? 0) + 1;
    this.received.set(key, received);
    const mode = this.faults.find((f) => f.step === command.step && f.kind === command.kind)?.mode;
    const messageId = `reply-to-${command.message_id}`;
    const failure = (error: ReplyError): Reply =>
      replyAnswering(command, { message_id: messageId, outcome: 'failure', error });
    if (mode?.type === 'fail') return failure(SIMULATED_FAILURE);
    if (mode?.type === 'retry' && received <= mode.failures) return failure(SIMULATED_RETRYABLE_FAILURE);
    if (mode?.type === 'timeout' && received <= mode.unanswered) return null;
    return replyAnswering(command, { message_id: messageId, outcome: 'success', output: {} });
  }
}
