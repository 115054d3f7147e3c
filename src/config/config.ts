import { z } from 'zod';
import { StartupError } from '../shared/startup-error';
import { type DatabaseSessions, pooledSessions, singleSession } from './database-sessions';
import { WireLimits } from 'saga-orchestrator-sdk/contracts';
import { parseDuration } from '../core/definition/duration';
import { type LogLevel, logLevels } from '../observability/logger';
import { parseBrokerUrls } from 'saga-orchestrator-sdk/internal/messaging/broker-urls';
import {
  DEFAULT_DELIVERY_LIMIT,
  QueueType,
  type QueueSettings,
} from 'saga-orchestrator-sdk/internal/messaging/queue-settings';

const NAME = /^[a-z0-9-]+$/;

function pairs(raw: string): Array<[string, string] | null> {
  return raw
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const separator = pair.lastIndexOf(':');
      return separator <= 0 ? null : [pair.slice(0, separator), pair.slice(separator + 1)];
    });
}

const apiKeysSchema = z.string().transform((raw, ctx) => {
  const keys: ApiKey[] = [];
  for (const pair of pairs(raw)) {
    const [key, role] = pair ?? [];
    if (key === undefined || (role !== 'read' && role !== 'admin')) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected comma-separated key:role pairs, role read or admin',
      });
      return z.NEVER;
    }
    keys.push({ key, role });
  }
  if (keys.length === 0) {
    // An empty value must not open the API: a deployment that meant to set keys would run without any.
    ctx.addIssue({ code: 'custom', message: 'is set but holds no key; unset it to run an open API' });
    return z.NEVER;
  }
  return keys;
});

const participantUsersSchema = z.string().transform((raw, ctx) => {
  const users = new Map<string, string>();
  for (const pair of pairs(raw)) {
    const [participant, user] = pair ?? [];
    if (participant === undefined || user === undefined || !NAME.test(participant) || user === '') {
      ctx.addIssue({ code: 'custom', message: 'expected comma-separated participant:user pairs' });
      return z.NEVER;
    }
    users.set(participant, user);
  }
  return users;
});

/** `true`, `false`, a number of proxy hops, or addresses and subnets: Express's `trust proxy` setting. */
const trustProxySchema = z.string().transform((raw): TrustProxy => {
  if (raw === 'true') return true;
  if (raw === 'false' || raw === '') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
});

/** Far enough for any real need, near enough that the oldest kept moment is a date PostgreSQL can store. */
const MAX_RETENTION_DAYS = 36_500;

const retentionSchema = z.string().transform((text, ctx): RetentionPeriod => {
  const parsed = parseDuration(text, { days: true });
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  }
  if (parsed.ms === 0 || parsed.ms > MAX_RETENTION_DAYS * 86_400_000) {
    ctx.addIssue({ code: 'custom', message: `must be more than 0 and at most ${MAX_RETENTION_DAYS}d` });
    return z.NEVER;
  }
  return { text, ms: parsed.ms };
});

/** One broker URL, or several comma-separated (the nodes of a cluster, tried in order). */
const amqpUrlSchema = z.string().superRefine((text, ctx) => {
  const parsed = parseBrokerUrls(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
});

const positiveInteger = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Every option with its default (documented in docs/operations.md, Configuration). */
const environmentSchema = z.object({
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/sagas'),
  AMQP_URL: amqpUrlSchema.default('amqp://guest:guest@127.0.0.1:5672'),
  AMQP_QUEUE_TYPE: z.enum([QueueType.classic, QueueType.quorum]).default(QueueType.classic),
  AMQP_DELIVERY_LIMIT: positiveInteger.optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SAGAS_DIR: z.string().min(1).default('./sagas'),
  API_KEYS: apiKeysSchema.optional(),
  MAX_BODY_BYTES: positiveInteger.default(1_048_576),
  MAX_REPLY_BYTES: positiveInteger.default(WireLimits.maxReplyBytes),
  SAGA_CACHE_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(64 * 1024 * 1024),
  START_RATE_LIMIT: z.coerce.number().positive().optional(),
  START_RATE_BURST: positiveInteger.optional(),
  TRUST_PROXY: trustProxySchema.default(false),
  REPLY_AUTH: z.enum(['off', 'user-id']).default('off'),
  PARTICIPANT_USERS: participantUsersSchema.default(new Map()),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  RETENTION: retentionSchema.default({ text: '30d', ms: 30 * 86_400_000 }),
  STATS_ROLLUP: z.enum(['on', 'off']).default('on'),
});

export type ApiRole = 'read' | 'admin';
export interface ApiKey {
  key: string;
  role: ApiRole;
}
export type TrustProxy = boolean | number | string[];

/** How long finished sagas and dead letters are kept: as configured (`30d`) and in milliseconds. */
export interface RetentionPeriod {
  text: string;
  ms: number;
}

export interface AppConfig {
  /** `external` (PostgreSQL and RabbitMQ at their URLs) or `embedded` (PGlite and the in-process broker). */
  runMode: 'external' | 'embedded';
  databaseUrl: string;
  /** A pool of connections, or PGlite's single session in embedded mode. */
  databaseSessions: DatabaseSessions;
  /** As configured: one URL or several comma-separated ones, tried in order (the SDK's `url` takes the same). */
  amqpUrl: string;
  /** How every queue is declared: classic, or quorum with a delivery limit. */
  amqpQueues: QueueSettings;
  port: number;
  sagasDir: string;
  /** null when API_KEYS is unset: the API is open. */
  apiKeys: ApiKey[] | null;
  maxBodyBytes: number;
  maxReplyBytes: number;
  sagaCacheBytes: number;
  /** null when START_RATE_LIMIT is unset: starts are not limited. */
  startRateLimit: { perSecond: number; burst: number } | null;
  trustProxy: TrustProxy;
  /** With `user-id`, a reply counts only from the broker user `participantUsers` names for its participant. */
  replyAuth: 'off' | 'user-id';
  participantUsers: ReadonlyMap<string, string>;
  logLevel: LogLevel;
  retention: RetentionPeriod;
  /** Whether this process adds finished sagas to the statistics' per-minute totals (src/observability/stats-rollup.ts). */
  statsRollup: boolean;
}

/** One or more environment variables are invalid; each problem names its variable. */
export class ConfigError extends StartupError {
  readonly code = 'CONFIG_INVALID';
}

/** Embedded mode's database, served by PGlite at this URL; its broker is in-process (no URL). */
export interface EmbeddedConfig {
  databaseUrl: string;
}

/** What `AMQP_URL` reads in embedded mode: the in-process broker, named for logs (it is never dialled). */
export const IN_PROCESS_AMQP_URL = 'amqp://in-process';

/**
 * Parses the environment once; lists every bad variable at once. With `embedded`, the database is PGlite's and the
 * broker in-process, whatever DATABASE_URL and AMQP_URL say (run-mode.ts never chooses embedded when they are set).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, embedded?: EmbeddedConfig): AppConfig {
  const parsed = environmentSchema.safeParse(
    embedded === undefined
      ? env
      : { ...env, DATABASE_URL: embedded.databaseUrl, AMQP_URL: IN_PROCESS_AMQP_URL },
  );
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const value = parsed.data;
  const problems: string[] = [];
  if (value.START_RATE_BURST !== undefined && value.START_RATE_LIMIT === undefined) {
    problems.push('START_RATE_BURST: has no effect without START_RATE_LIMIT');
  }
  if (value.REPLY_AUTH === 'user-id' && value.PARTICIPANT_USERS.size === 0) {
    problems.push('PARTICIPANT_USERS: is required with REPLY_AUTH=user-id (participant:user pairs)');
  }
  if (value.AMQP_DELIVERY_LIMIT !== undefined && value.AMQP_QUEUE_TYPE !== QueueType.quorum) {
    problems.push('AMQP_DELIVERY_LIMIT: has no effect without AMQP_QUEUE_TYPE=quorum');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    runMode: embedded === undefined ? 'external' : 'embedded',
    databaseUrl: value.DATABASE_URL,
    databaseSessions: embedded === undefined ? pooledSessions() : singleSession,
    amqpUrl: value.AMQP_URL,
    amqpQueues:
      value.AMQP_QUEUE_TYPE === QueueType.quorum
        ? { type: QueueType.quorum, deliveryLimit: value.AMQP_DELIVERY_LIMIT ?? DEFAULT_DELIVERY_LIMIT }
        : { type: QueueType.classic },
    port: value.PORT,
    sagasDir: value.SAGAS_DIR,
    apiKeys: value.API_KEYS ?? null,
    maxBodyBytes: value.MAX_BODY_BYTES,
    maxReplyBytes: value.MAX_REPLY_BYTES,
    sagaCacheBytes: value.SAGA_CACHE_BYTES,
    startRateLimit:
      value.START_RATE_LIMIT === undefined
        ? null
        : {
            perSecond: value.START_RATE_LIMIT,
            burst: value.START_RATE_BURST ?? Math.max(1, Math.ceil(value.START_RATE_LIMIT * 2)),
          },
    trustProxy: value.TRUST_PROXY,
    replyAuth: value.REPLY_AUTH,
    participantUsers: value.PARTICIPANT_USERS,
    logLevel: value.LOG_LEVEL,
    retention: value.RETENTION,
    statsRollup: value.STATS_ROLLUP === 'on',
  };
}
