import { z } from 'zod';

/** GET /api/whoami: the role of the key sent (`admin` on an open API). */
export const whoamiSchema = z.object({ role: z.enum(['read', 'admin']) });
export type Whoami = z.infer<typeof whoamiSchema>;
