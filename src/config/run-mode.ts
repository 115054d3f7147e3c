import { Socket } from 'node:net';
import { ConfigError } from './config';

/** `SAGAS_MODE`: how the engine finds its database and broker. */
export const RunModeSetting = { auto: 'auto', embedded: 'embedded', external: 'external' } as const;
export type RunModeSetting = (typeof RunModeSetting)[keyof typeof RunModeSetting];

export type RunMode = 'embedded' | 'external';

/** The mode chosen, and why, in words for the startup log. */
export interface RunModeDecision {
  mode: RunMode;
  reason: string;
}

/** Where `auto` looks for a database and a broker when no URL is set. */
export interface ProbeTargets {
  database: { host: string; port: number };
  broker: { host: string; port: number };
}

/** What answered on the probed ports. */
export interface ProbeResult {
  database: boolean;
  broker: boolean;
}

const defaultTargets: ProbeTargets = {
  database: { host: '127.0.0.1', port: 5432 },
  broker: { host: '127.0.0.1', port: 5672 },
};

/** A port that neither accepts nor refuses within this is taken as closed. */
const PROBE_TIMEOUT_MS = 300;

/** `SAGAS_MODE`, checked: a value other than the three is a startup error naming the variable. */
export function parseRunModeSetting(env: NodeJS.ProcessEnv): RunModeSetting {
  const raw = env.SAGAS_MODE;
  if (raw === undefined || raw === '') return RunModeSetting.auto;
  if (raw === RunModeSetting.auto || raw === RunModeSetting.embedded || raw === RunModeSetting.external)
    return raw;
  throw new ConfigError([`SAGAS_MODE: must be embedded, external or auto (got ${JSON.stringify(raw)})`]);
}

/** The URLs that make a deployment external: either one set means PostgreSQL and RabbitMQ are meant. */
export function setUrls(env: NodeJS.ProcessEnv): string[] {
  return ['DATABASE_URL', 'AMQP_URL'].filter((name) => (env[name] ?? '') !== '');
}

/**
 * The mode, once the setting and the URLs are known; `probe` (asked only in `auto` with no URL set) says what
 * answers on the default ports. `auto` never falls back to embedded when a URL is set, and stays external when
 * anything answers: a database or broker that is there but half-configured gets its own clear error rather than
 * a silent switch to an empty embedded one.
 */
export async function decideRunMode(
  setting: RunModeSetting,
  urls: readonly string[],
  probe: () => Promise<ProbeResult>,
): Promise<RunModeDecision> {
  if (setting === RunModeSetting.embedded) {
    if (urls.length > 0) {
      throw new ConfigError([
        `SAGAS_MODE: is embedded, but ${urls.join(' and ')} ${urls.length > 1 ? 'are' : 'is'} set; ` +
          'unset it, or use SAGAS_MODE=external',
      ]);
    }
    return { mode: 'embedded', reason: 'SAGAS_MODE=embedded' };
  }
  if (setting === RunModeSetting.external) return { mode: 'external', reason: 'SAGAS_MODE=external' };
  if (urls.length > 0) return { mode: 'external', reason: `${urls.join(' and ')} set` };
  const found = await probe();
  if (found.database && found.broker) {
    return { mode: 'external', reason: 'PostgreSQL and RabbitMQ answer on their default ports' };
  }
  if (found.database || found.broker) {
    const which = found.database ? 'PostgreSQL' : 'RabbitMQ';
    return { mode: 'external', reason: `${which} answers on its default port (the other one must too)` };
  }
  return { mode: 'embedded', reason: 'no URL set and nothing answers on the default ports' };
}

/**
 * `SAGAS_AUTO_PROBE=host:port,host:port` (for tests): the ports `auto` probes for PostgreSQL and RabbitMQ instead
 * of 127.0.0.1:5432 and 127.0.0.1:5672.
 */
export function probeTargets(env: NodeJS.ProcessEnv): ProbeTargets {
  const raw = env.SAGAS_AUTO_PROBE;
  if (raw === undefined || raw === '') return defaultTargets;
  const targets = raw.split(',').map((entry) => {
    const match = /^(.+):(\d{1,5})$/.exec(entry.trim());
    const port = Number(match?.[2]);
    return match === null || port > 65535 ? null : { host: match[1] as string, port };
  });
  const [database, broker] = targets;
  if (targets.length !== 2 || database == null || broker == null) {
    throw new ConfigError([
      'SAGAS_AUTO_PROBE: expected two host:port pairs (database, broker), comma-separated',
    ]);
  }
  return { database, broker };
}

/** Whether something accepts a TCP connection there within a short wait. */
export function portAnswers(target: { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(target.port, target.host);
  });
}

/** The run mode from the environment: `SAGAS_MODE`, the URLs, and in `auto` what answers on the default ports. */
export function resolveRunMode(env: NodeJS.ProcessEnv = process.env): Promise<RunModeDecision> {
  const setting = parseRunModeSetting(env);
  return decideRunMode(setting, setUrls(env), async () => {
    const targets = probeTargets(env);
    const [database, broker] = await Promise.all([
      portAnswers(targets.database),
      portAnswers(targets.broker),
    ]);
    return { database, broker };
  });
}
