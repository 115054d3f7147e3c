import type { LifecycleEvent } from '../contracts/lifecycle-event';
import { LifecycleEventType } from '../contracts/lifecycle-event';
import { Topology, commandQueueName } from '../contracts/topology';
import type { Logger } from '../shared/logger';
import { consumerLogger } from './default-logger';
import { SubscriberOptionsError } from './errors';
import { compileBrokerOptions } from '../messaging/broker-options';
import type { BrokerTransport } from '../messaging/broker-transport';
import type { QueueSettings, QueueType } from '../messaging/queue-settings';

/** What a subscriber's handler learns besides the event. */
export interface EventContext {
  /** The message's AMQP headers: the saga's W3C `traceparent` / `tracestate` when its start request had them. */
  headers: Readonly<Record<string, unknown>>;
  /** The broker delivered this message before (a handler failed on it, or a consumer stopped while holding it). */
  redelivered: boolean;
  /** How many times this process has run the handler on this message, this time included. */
  attempt: number;
}

/** Handles one lifecycle event; a rejection makes it come again, until `maxAttempts` sets it aside. */
export type EventHandler = (event: LifecycleEvent, context: EventContext) => Promise<void> | void;

export interface SubscriberOptions {
  /**
   * Broker URL, e.g. `amqp://billing:secret@rabbit:5672/vhost`, or several comma-separated URLs (the nodes of a
   * cluster), tried in order on every connect and reconnect. Required, unless `transport` is given.
   */
  url?: string;
  /** Instead of `url`: an in-process broker's `transport` (embedded mode). Give exactly one of the two. */
  transport?: BrokerTransport;
  /**
   * The subscriber's own durable queue, e.g. `billing.saga-events`; the processes of one service share it, each
   * event going to one of them. Required.
   */
  queue: string;
  /**
   * Routing keys bound on `sagas.events`: `<saga name>.<event type>`, with `*` or `#` for any name or type (`#` alone
   * for everything), e.g. `order-fulfillment.SagaCompleted`. At least one. Required.
   */
  bindings: string[];
  /** Called once per event; the event is acknowledged when it returns. Required. */
  handler: EventHandler;
  /** Most events handled at once (unacknowledged deliveries), 1 to 65535. Default 16. */
  prefetch?: number;
  /** Default: warnings and errors as JSON lines on stderr, info dropped. */
  logger?: Logger;
  /** Handler runs per event, in this process, before it is moved to `sagas.dead-letter`; 1 to 100. Default 5. */
  maxAttempts?: number;
  /** Largest event body read; a larger one is dead-lettered unread. Default 8 MiB. */
  maxEventBytes?: number;
  /**
   * How the queues are declared, as the engine's `AMQP_QUEUE_TYPE`: `classic`, or `quorum` (replicated, with a
   * delivery limit and dead-lettering to `sagas.dead-letter`). The subscriber's queue and `sagas.dead-letter` are declared so;
   * it must be the engine's type: RabbitMQ refuses a declaration with other arguments. Default `classic`.
   */
  queueType?: QueueType;
  /**
   * With `queueType: 'quorum'`: a message given back more than this many times (its process died while handling
   * it) goes to `sagas.dead-letter`, as the engine's `AMQP_DELIVERY_LIMIT`. Default 20.
   */
  deliveryLimit?: number;
}

/** Options checked once, with their defaults applied. */
export interface CompiledSubscriberOptions {
  /** The broker's nodes, in the order they are tried. */
  urls: string[];
  transport: BrokerTransport;
  queues: QueueSettings;
  queue: string;
  bindings: readonly string[];
  handler: EventHandler;
  prefetch: number;
  logger: Logger;
  maxAttempts: number;
  maxEventBytes: number;
}

const defaultPrefetch = 16;
const defaultMaxAttempts = 5;
const defaultMaxEventBytes = 8 * 1024 * 1024;
/** AMQP short strings (queue names, routing keys) hold at most 255 bytes. */
const maxShortStringBytes = 255;
const sagaNameWord = /^[a-z0-9-]+$/;
const eventTypes: ReadonlySet<string> = new Set(Object.values(LifecycleEventType));

/** Validates the options, listing every problem at once. */
export function compileSubscriberOptions(options: SubscriberOptions): CompiledSubscriberOptions {
  const problems: string[] = [];
  const { queue, bindings, handler } = options;
  const { prefetch = defaultPrefetch, maxAttempts = defaultMaxAttempts } = options;
  const { maxEventBytes = defaultMaxEventBytes } = options;
  const { urls, transport, queues } = compileBrokerOptions(options, problems);
  const queueProblem = refusedQueue(queue);
  if (queueProblem !== null) problems.push(`queue: ${queueProblem}`);
  if (!Array.isArray(bindings) || bindings.length === 0) {
    problems.push('bindings: must list at least one routing key, e.g. "order-fulfillment.SagaCompleted"');
  } else {
    bindings.forEach((binding: unknown, index) => {
      const problem = refusedBinding(binding);
      if (problem !== null) problems.push(`bindings.${index}: ${problem}`);
    });
  }
  if (typeof handler !== 'function') problems.push('handler: is required (a function of the event)');
  if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > 65535) {
    problems.push(`prefetch: must be an integer from 1 to 65535 (got ${String(prefetch)})`);
  }
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    problems.push(`maxAttempts: must be an integer from 1 to 100 (got ${String(maxAttempts)})`);
  }
  if (!Number.isSafeInteger(maxEventBytes) || maxEventBytes < 1) {
    problems.push(`maxEventBytes: must be a positive integer (got ${String(maxEventBytes)})`);
  }
  if (problems.length > 0) {
    throw new SubscriberOptionsError(`invalid subscriber options:\n${problems.join('\n')}`);
  }
  return {
    urls,
    transport,
    queues,
    queue,
    bindings: [...new Set(bindings)],
    handler,
    prefetch,
    logger: consumerLogger(options.logger, { queue }),
    maxAttempts,
    maxEventBytes,
  };
}

/** Why a subscriber may not consume `queue`, or null: the protocol's own queues take other messages. */
function refusedQueue(queue: unknown): string | null {
  if (typeof queue !== 'string' || queue.length === 0) return "is required (the subscriber's own queue)";
  if (Buffer.byteLength(queue) > maxShortStringBytes) return `must be at most ${maxShortStringBytes} bytes`;
  if (queue.startsWith('amq.')) return 'names starting with "amq." are reserved by the broker';
  if (queue === Topology.repliesQueue || queue === Topology.deadLetterQueue) {
    return `"${queue}" is a queue of the wire protocol`;
  }
  if (queue.startsWith(commandQueueName(''))) return `"${queue}" is a command queue`;
  return null;
}

/**
 * Why a binding can never match an event, or null. An event's routing key is `<saga name>.<event type>` (a saga
 * name has no dot), so a binding is `#`, or two words: a saga name, `*` or `#`, then an event type, `*` or `#`.
 */
function refusedBinding(binding: unknown): string | null {
  if (typeof binding !== 'string' || binding.length === 0) return 'must be a routing key';
  if (Buffer.byteLength(binding) > maxShortStringBytes) return `must be at most ${maxShortStringBytes} bytes`;
  if (binding === '#') return null;
  const words = binding.split('.');
  const [saga, type] = words;
  const wildcard = (word: string) => word === '*' || word === '#';
  const sagaOk = saga !== undefined && (wildcard(saga) || sagaNameWord.test(saga));
  const typeOk = type !== undefined && (wildcard(type) || eventTypes.has(type));
  if (words.length === 2 && sagaOk && typeOk) return null;
  return (
    `${JSON.stringify(binding)} matches no event: a binding is <saga name>.<event type>, with * or # for any, ` +
    `or # alone; the types are ${[...eventTypes].join(', ')}`
  );
}
