import type { Command } from '../contracts/command';
import type { JsonObject } from '../contracts/json';
import { type FinalReply, type Reply, type ReplyError, replyAnswering } from '../contracts/reply';
import type { Outcome } from './idempotency';

/** What a reply needs besides the command: a new message id and the time it is sent. */
export interface ReplyStamp {
  messageId: string;
  now: Date;
}

/** A success reply (docs/wire-protocol.md); `output` is an object, possibly empty. */
export function successReply(command: Command, output: JsonObject, stamp: ReplyStamp): FinalReply {
  return replyAnswering(command, {
    message_id: stamp.messageId,
    outcome: 'success',
    output,
    timestamp: stamp.now.toISOString(),
  });
}

/** A failure reply (docs/wire-protocol.md); `error.retryable` tells the engine whether to try again. */
export function failureReply(command: Command, error: ReplyError, stamp: ReplyStamp): FinalReply {
  return replyAnswering(command, {
    message_id: stamp.messageId,
    outcome: 'failure',
    error,
    timestamp: stamp.now.toISOString(),
  });
}

/** The reply that gives an outcome (possibly a recorded one) as a new message answering this command. */
export function outcomeReply(command: Command, outcome: Outcome, stamp: ReplyStamp): FinalReply {
  return outcome.outcome === 'success'
    ? successReply(command, outcome.output, stamp)
    : failureReply(command, outcome.error, stamp);
}

/** An `in_progress` report: not an answer, it makes the engine restart the attempt's timeout. */
export function progressReply(command: Command, stamp: ReplyStamp): Reply {
  return replyAnswering(command, {
    message_id: stamp.messageId,
    outcome: 'in_progress',
    timestamp: stamp.now.toISOString(),
  });
}
