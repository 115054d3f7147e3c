import type { Logger } from '../shared/logger';
import { WireLimits } from '../contracts/limits';
import { ParticipantOptionsError } from './errors';
import { type CompiledHandler, type HandlerDeclaration, compileHandler } from './handlers';
import type { IdempotencyStore } from './idempotency';
import { minReplyBytes } from './reply-bounds';
import { brokerUser } from './reply-identity';
import { consumerLogger } from './default-logger';
import { compileBrokerOptions } from '../messaging/broker-options';
import type { BrokerTransport } from '../messaging/broker-transport';
import type { QueueSettings, QueueType } from '../messaging/queue-settings';

/** Structured logging: a message plus the fields that scope it (saga id, step, message id…). */
/** @deprecated The same as `Logger`. */
export type ParticipantLogger = Logger;

export interface ParticipantOptions {
  /**
   * Broker URL, e.g. `amqp://guest:guest@127.0.0.1:5672`, or the nodes of a cluster as several comma-separated URLs
   * (`amqp://u:p@rabbit-1:5672,amqp://u:p@rabbit-2:5672`), tried in order on every connect and reconnect: the
   * engine's `AMQP_URL` takes the same. Required, unless `transport` is given.
   */
  url?: string;
  /**
   * Instead of `url`: the broker transport to connect through — an in-process broker's `transport`, for a
   * participant in the same process as an engine running in embedded mode. Give exactly one of `url` and
   * `transport`.
   */
  transport?: BrokerTransport;
  /** This participant's name, `[a-z0-9-]+`: it consumes queue `sagas.commands.<participant>`. Required. */
  participant: string;
  /**
   * A handler per command type (a step's `action` or `compensation`): a function of the raw payload, or
   * `defineHandler({ payload: zodSchema, handle })` for a checked, typed payload. Required.
   */
  handlers: Record<string, HandlerDeclaration>;
  /** Most commands handled at once (unacknowledged deliveries), 1 to 65535. Default 16. */
  prefetch?: number;
  /** Default: warnings and errors as JSON lines on stderr, info dropped. */
  logger?: Logger;
  /**
   * Where outcomes are recorded per `idempotency_key`, so a command already answered is answered again the same
   * way without running its handler (`createPostgresIdempotencyStore`, `createMemoryIdempotencyStore`).
   * Default none: every delivery runs its handler.
   */
  idempotency?: IdempotencyStore;
  /**
   * Largest command body read, in bytes; a larger one is moved to `sagas.dead-letter` unread. Default 8 MiB
   * (a payload embeds the saga's input and step outputs, each at most `MAX_REPLY_BYTES` on the engine's side).
   */
  maxCommandBytes?: number;
  /**
   * Largest reply sent, in bytes of JSON; a reply that would be larger (or nested deeper than 64 levels) is
   * replaced by a non-retryable `OUTPUT_TOO_LARGE` failure. At least 8192. Default 1 MiB, the engine's default
   * `MAX_REPLY_BYTES`: set both together.
   */
  maxReplyBytes?: number;
  /**
   * Stamp every message the participant publishes (replies, progress reports, dead letters) with the AMQP
   * `userId` property: the user name in `url` (`guest` when it names none). RabbitMQ refuses a `userId` other
   * than the connection's user, so the engine can tell which broker user sent a reply. Default false.
   */
  replyUserId?: boolean;
  /**
   * Declare the wire protocol's exchanges and queues at start (true), or only check that they exist (false), for
   * a broker user allowed to configure nothing: the engine declares them at its start-up. Default true.
   */
  declareTopology?: boolean;
  /**
   * How the queues are declared, as the engine's `AMQP_QUEUE_TYPE`: `classic`, or `quorum` (replicated, with a
   * delivery limit and dead-lettering to `sagas.dead-letter`). Every process declaring a queue must use the same
   * type: RabbitMQ refuses a declaration with other arguments. Default `classic`.
   */
  queueType?: QueueType;
  /**
   * With `queueType: 'quorum'`: a message given back more than this many times (its process died while handling
   * it) goes to `sagas.dead-letter`, as the engine's `AMQP_DELIVERY_LIMIT`. Default 20.
   */
  deliveryLimit?: number;
}

/** Options checked once, with their defaults applied. */
export interface CompiledOptions {
  /** The broker's nodes, in the order they are tried. */
  urls: string[];
  transport: BrokerTransport;
  queues: QueueSettings;
  participant: string;
  handlers: ReadonlyMap<string, CompiledHandler>;
  prefetch: number;
  logger: Logger;
  idempotency: IdempotencyStore | null;
  maxCommandBytes: number;
  maxReplyBytes: number;
  /** The AMQP `userId` stamped on every published message, or null. */
  userId: string | null;
  declareTopology: boolean;
}

const participantName = /^[a-z0-9-]+$/;
const defaultPrefetch = 16;
const defaultMaxCommandBytes = 8 * 1024 * 1024;

/** Validates the options, listing every problem at once. */
export function compileOptions(options: ParticipantOptions): CompiledOptions {
  const problems: string[] = [];
  const { participant, handlers, prefetch = defaultPrefetch } = options;
  const { urls, transport, queues } = compileBrokerOptions(options, problems);
  if (typeof participant !== 'string' || !participantName.test(participant)) {
    problems.push(`participant: must match [a-z0-9-]+ (got ${JSON.stringify(participant)})`);
  }
  if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > 65535) {
    problems.push(`prefetch: must be an integer from 1 to 65535 (got ${String(prefetch)})`);
  }
  const compiled = new Map<string, CompiledHandler>();
  if (typeof handlers !== 'object' || handlers === null) {
    problems.push('handlers: is required (an object of handlers by command type)');
  } else {
    for (const [type, declaration] of Object.entries(handlers)) {
      const handler = compileHandler(declaration);
      if (handler !== null) compiled.set(type, handler);
      else problems.push(`handlers.${type}: must be a function or defineHandler({ payload, handle })`);
    }
  }
  const { maxCommandBytes = defaultMaxCommandBytes, maxReplyBytes = WireLimits.maxReplyBytes } = options;
  if (!Number.isSafeInteger(maxCommandBytes) || maxCommandBytes < 1) {
    problems.push(`maxCommandBytes: must be a positive integer (got ${String(maxCommandBytes)})`);
  }
  if (!Number.isSafeInteger(maxReplyBytes) || maxReplyBytes < minReplyBytes) {
    problems.push(
      `maxReplyBytes: must be an integer of at least ${minReplyBytes} (got ${String(maxReplyBytes)})`,
    );
  }
  const { replyUserId = false } = options;
  if (typeof replyUserId !== 'boolean') {
    problems.push(`replyUserId: must be true or false (got ${JSON.stringify(replyUserId)})`);
  }
  let userId: string | null = null;
  if (replyUserId === true && options.transport !== undefined) {
    problems.push('replyUserId: needs url (a broker user); an in-process broker has none');
  } else if (replyUserId === true && urls.length > 0) {
    const identities = urls.map((each) => brokerUser(each));
    const users = new Set(identities.flatMap((identity) => (identity.ok ? [identity.user] : [])));
    const refused = identities.find((identity) => !identity.ok);
    if (refused !== undefined && !refused.ok) problems.push(refused.problem);
    else if (users.size > 1) problems.push('url: with replyUserId, every URL must name the same user');
    else userId = [...users][0] ?? null;
  }
  const { declareTopology = true } = options;
  if (typeof declareTopology !== 'boolean') {
    problems.push(`declareTopology: must be true or false (got ${JSON.stringify(declareTopology)})`);
  }
  const { idempotency } = options;
  if (
    idempotency !== undefined &&
    (typeof idempotency?.find !== 'function' || typeof idempotency.record !== 'function')
  ) {
    problems.push('idempotency: must be an IdempotencyStore (find and record functions)');
  }
  if (problems.length > 0) {
    throw new ParticipantOptionsError(`invalid participant options:\n${problems.join('\n')}`);
  }
  return {
    urls,
    transport,
    queues,
    participant,
    handlers: compiled,
    prefetch,
    logger: consumerLogger(options.logger, { participant }),
    idempotency: idempotency ?? null,
    maxCommandBytes,
    maxReplyBytes,
    userId,
    declareTopology,
  };
}
