import type { Reply } from '../contracts/reply';
import type { TimerPayload } from './timers';

/** What can happen to a saga. */
export type Trigger =
  | { type: 'reply'; reply: Reply }
  | { type: 'timer'; timer: TimerPayload }
  /** An operator resumes a COMPENSATION_FAILED saga: the failed compensation gets a fresh retry budget. */
  | { type: 'operator-retry'; causationId: string }
  /** An operator stops a RUNNING saga: compensation starts now; the reason goes into the log. */
  | { type: 'operator-abort'; reason: string; causationId: string };
