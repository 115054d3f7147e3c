/**
 * The engine as a library: build and start it yourself (`createApplication(loadConfig(), { logger })`, then
 * `listen`). Importing this starts nothing; the server of `npm start` and the `saga-orchestrator` command is
 * `main.ts`.
 */
import 'reflect-metadata';

export { createApplication } from './app/application';
export { reloadOnSighup } from './app/reload-on-sighup';
export { ConfigError, loadConfig } from './config/config';
export type { AppConfig } from './config/config';
export { createLogger } from './observability/logger';
export type { LogLevel } from './observability/logger';
export { StartupError } from './shared/startup-error';
