import { z } from 'zod';
import { type LogLevel, logLevels } from '../orchestrator/logger';

const apiKeysSchema = z
  .string()
  .transform((raw, ctx) => {
    const keys: ApiKey[] = [];
    for (const pair of raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const separator = pair.lastIndexOf(':');
      const key = pair.slice(0, separator);
      const role = pair.slice(separator + 1);
      if (separator <= 0 || (role !== 'read' && role !== 'admin')) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected comma-separated key:role pairs, role read or admin',
        });
        return z.NEVER;
      }
      keys.push({ key, role });
    }
    return keys;
  })
  .optional();

/** Every option with its default (CONTRACT §1). */
const environmentSchema = z.object({
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/sagas'),
  AMQP_URL: z.url().default('amqp://guest:guest@127.0.0.1:5672'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SAGAS_DIR: z.string().min(1).default('./sagas'),
  API_KEYS: apiKeysSchema,
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1048576),
  /** Sagas a caller (API key, or client address when the API is open) may start per second, per instance. */
  START_RATE_LIMIT: z.coerce.number().positive().default(200),
  /** Starts allowed at once above that rate. */
  START_RATE_BURST: z.coerce.number().int().positive().default(400),
  LOG_LEVEL: z.enum(logLevels).default('info'),
});

export type ApiRole = 'read' | 'admin';
export interface ApiKey {
  key: string;
  role: ApiRole;
}

export interface AppConfig {
  databaseUrl: string;
  amqpUrl: string;
  port: number;
  sagasDir: string;
  /** null when API_KEYS is unset: the API is open. */
  apiKeys: ApiKey[] | null;
  maxBodyBytes: number;
  startRateLimit: { perSecond: number; burst: number };
  logLevel: LogLevel;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; lists every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const value = parsed.data;
  return {
    databaseUrl: value.DATABASE_URL,
    amqpUrl: value.AMQP_URL,
    port: value.PORT,
    sagasDir: value.SAGAS_DIR,
    apiKeys: value.API_KEYS && value.API_KEYS.length > 0 ? value.API_KEYS : null,
    maxBodyBytes: value.MAX_BODY_BYTES,
    startRateLimit: { perSecond: value.START_RATE_LIMIT, burst: value.START_RATE_BURST },
    logLevel: value.LOG_LEVEL,
  };
}
