import { z } from 'zod';
import { commandKindSchema } from './command';
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
