import { z } from 'zod';
import { jsonObjectResponseSchema } from './json';

const deadLetterIdSchema = z.string().regex(/^\d+$/);

export const deadLetterSchema = z.object({
  id: deadLetterIdSchema,
  messageId: z.string().nullable(),
  reason: z.string(),
  originalExchange: z.string(),
  originalRoutingKey: z.string(),
  receivedAt: z.iso.datetime(),
  contentType: z.string().nullable(),
  encoding: z.enum(['utf8', 'base64']).describe('utf8 when the content is valid UTF-8, else base64'),
  content: z.string(),
  contentBytes: z.number().int().describe("the whole content's size"),
  truncated: z.boolean().describe('whether `content` is only the start of the message (in a listing)'),
  headers: jsonObjectResponseSchema,
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

export const deadLetterPageSchema = z.object({
  items: z.array(deadLetterSchema),
  nextCursor: deadLetterIdSchema.nullable(),
});
export type DeadLetterPage = z.infer<typeof deadLetterPageSchema>;

export const replayedDeadLetterSchema = z.object({
  id: deadLetterIdSchema,
  replayedTo: z.object({ exchange: z.string(), routingKey: z.string() }),
});
export type ReplayedDeadLetter = z.infer<typeof replayedDeadLetterSchema>;
