import { z } from 'zod';
import { type Command, commandKindSchema } from './command';
import { jsonObjectSchema } from './json';
import { WireLimits } from './limits';

const id = () => z.string().min(1).max(WireLimits.maxIdLength);

export const ReplyOutcome = { success: 'success', failure: 'failure', inProgress: 'in_progress' } as const;
export type ReplyOutcome = (typeof ReplyOutcome)[keyof typeof ReplyOutcome];

export const replyErrorSchema = z.object({
  code: z.string().min(1).max(WireLimits.maxIdLength),
  message: z.string(),
  retryable: z.boolean(),
});
export type ReplyError = z.infer<typeof replyErrorSchema>;

const replyBase = {
  message_id: id(),
  in_reply_to: id(),
  saga_id: id(),
  step: id(),
  kind: commandKindSchema,
  timestamp: z.string().optional(),
};

/**
 * The body of a participant's reply (docs/wire-protocol.md). Besides the final `success` and `failure`, a participant may
 * send `in_progress` for a command it is still working on: the engine then restarts that attempt's timeout
 * (now + the step's timeout). It is not an answer; a final reply must follow.
 */
export const replySchema = z.discriminatedUnion('outcome', [
  z.object({ ...replyBase, outcome: z.literal('success'), output: jsonObjectSchema.default({}) }),
  z.object({ ...replyBase, outcome: z.literal('failure'), error: replyErrorSchema }),
  z.object({ ...replyBase, outcome: z.literal('in_progress') }),
]);
export type Reply = z.infer<typeof replySchema>;
export type FinalReply = Exclude<Reply, { outcome: 'in_progress' }>;

/** The fields a reply copies from the command it answers. */
type ReplyEnvelope = Pick<Reply, 'in_reply_to' | 'saga_id' | 'step' | 'kind'>;

type WithoutEnvelope<Each> = Each extends unknown ? Omit<Each, keyof ReplyEnvelope> : never;

/** The rest of a reply: its own `message_id`, optional `timestamp`, and its outcome with the output or error. */
export type ReplyContent = WithoutEnvelope<Reply>;

/** What `replyAnswering` reads of the command answered (a whole `Command` will do). */
export type AnsweredCommand = Pick<Command, 'message_id' | 'step' | 'kind'> & {
  saga: Pick<Command['saga'], 'id'>;
};

/**
 * The reply answering `command`: `in_reply_to`, `saga_id`, `step` and `kind` come from the command, the rest from
 * `content`. The fields come in wire order, `message_id` first.
 */
export function replyAnswering<Content extends ReplyContent>(
  command: AnsweredCommand,
  content: Content,
): ReplyEnvelope & Content {
  const envelope = {
    message_id: content.message_id,
    in_reply_to: command.message_id,
    saga_id: command.saga.id,
    step: command.step,
    kind: command.kind,
  };
  return Object.assign(envelope, content);
}
