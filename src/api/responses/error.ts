import { z } from 'zod';

/** A detail of an error: which field (or file and path), and what is wrong with it. */
export const errorDetailSchema = z.object({ path: z.string(), message: z.string() });

/** The body of every error response (docs/rest-api.md); `details` only when there are some. */
export const errorBodySchema = z.object({
  error: z.string(),
  message: z.string(),
  details: z.array(errorDetailSchema).optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
