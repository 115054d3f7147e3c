import type { QueueSettings } from './queue-settings';
import { describeQueueSettings } from './queue-settings';

/**
 * A queue of the protocol exists with other arguments than the ones declared (a classic queue declared as quorum,
 * another delivery limit…). Retrying cannot mend it: queue arguments cannot change in place.
 */
export class QueueMismatchError extends Error {
  constructor(
    readonly queue: string,
    settings: QueueSettings,
    brokerMessage: string,
  ) {
    super(
      `queue ${queue} exists with other arguments than a ${describeQueueSettings(settings)} queue ` +
        `(the broker says: ${brokerDetail(brokerMessage)}); queue arguments cannot change in place: drain and ` +
        'delete the queue, or use the queue type it was declared with ' +
        '(README, "Moving from classic to quorum queues")',
    );
    this.name = 'QueueMismatchError';
  }
}

/** amqplib's message around the broker's, e.g. `inequivalent arg 'x-queue-type' for queue 'q' …`. */
function brokerDetail(message: string): string {
  const detail = /PRECONDITION_FAILED - (.*?)"?$/.exec(message)?.[1];
  return detail ?? message;
}

/** A declare refused with 406 PRECONDITION_FAILED: the queue exists with other arguments. */
export function isPreconditionFailed(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 406;
}
