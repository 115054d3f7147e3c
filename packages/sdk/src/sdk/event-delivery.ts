import { errorMessage } from '../shared/error-message';
import type { Logger } from '../shared/logger';
import { undecodableHeaders } from './delivery-checks';
import type { ConsumedDelivery, Settlement } from './delivery-handler';
import { parseLifecycleEvent } from './event-parsing';
import { HandlerFailures } from './handler-failures';
import type { EventHandler } from './subscriber-options';

export interface EventDeliveryEnvironment {
  handler: EventHandler;
  logger: Logger;
  maxAttempts: number;
  maxEventBytes: number;
}

/** Pause before a failed event is given back: 100 ms doubling up to 5 s, so a failing handler does not spin. */
const retryDelay = { initialMs: 100, maxMs: 5000 };

/**
 * A subscriber's handling of one delivered event: a message that cannot be read as a lifecycle event is
 * dead-lettered with the reason; otherwise the handler runs and the event is done with when it returns. When the
 * handler throws, the event is given back after a pause and comes again, until it has failed `maxAttempts` times
 * in this process: then it is dead-lettered with the last error.
 */
export class EventDelivery {
  private readonly failures = new HandlerFailures();

  constructor(private readonly env: EventDeliveryEnvironment) {}

  readonly handle = async ({ message, deadLetter }: ConsumedDelivery): Promise<Settlement> => {
    const undecodable = undecodableHeaders(message);
    if (undecodable !== null) {
      await deadLetter(undecodable);
      return 'done';
    }
    const parsed = parseLifecycleEvent(message.content, this.env.maxEventBytes);
    if (!parsed.ok) {
      await deadLetter(parsed.reason);
      return 'done';
    }
    const { event } = parsed;
    const attempt = this.failures.attemptOf(message);
    try {
      await this.env.handler(event, {
        headers: message.properties.headers ?? {},
        redelivered: message.fields.redelivered,
        attempt,
      });
      this.failures.forget(message);
      return 'done';
    } catch (thrown) {
      const failures = this.failures.failed(message);
      const gaveUp = failures >= this.env.maxAttempts;
      this.env.logger.warn(gaveUp ? 'event handler failed; giving up' : 'event handler failed; retrying', {
        eventId: event.event_id,
        type: event.type,
        sagaId: event.saga.id,
        sagaName: event.saga.name,
        correlationId: event.correlation_id,
        attempt: failures,
        maxAttempts: this.env.maxAttempts,
        error: errorMessage(thrown),
        stack: thrown instanceof Error ? thrown.stack : undefined,
      });
      if (gaveUp) {
        await deadLetter(`the event handler failed ${failures} times: ${errorMessage(thrown)}`);
        this.failures.forget(message);
        return 'done';
      }
      const delayMs = Math.min(retryDelay.maxMs, retryDelay.initialMs * 2 ** (failures - 1));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return 'again';
    }
  };
}
