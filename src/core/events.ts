import type { Reply } from '../contracts/reply';
import type { TimerPayload } from './timers';

/** What can happen to a running saga. */
export type SagaEvent = { type: 'reply'; reply: Reply } | { type: 'timer'; timer: TimerPayload };
