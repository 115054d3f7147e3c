import type { CommandOutput } from '../command-output';
import { SagaApiClient } from './api-client';
import type { ReadFile } from './json-argument';
import { UsageError } from './usage-error';

/** Where the engine's REST API listens unless `SAGA_URL` says otherwise: the engine's default `PORT`. */
export const DEFAULT_SAGA_URL = 'http://127.0.0.1:3000';

/** What a command may use besides its arguments: output, environment, files, a clock to wait on, HTTP. */
export interface CliContext extends CommandOutput {
  env: Readonly<Record<string, string | undefined>>;
  readFile: ReadFile;
  sleep: (ms: number) => Promise<void>;
  fetch: typeof fetch;
}

/** The API client for `SAGA_URL` (default `DEFAULT_SAGA_URL`) and `SAGA_API_KEY`. */
export function apiClientOf(context: CliContext): SagaApiClient {
  const url = context.env.SAGA_URL || DEFAULT_SAGA_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`SAGA_URL: not a URL: "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`SAGA_URL: expected an http or https URL, got "${url}"`);
  }
  return new SagaApiClient(url, context.env.SAGA_API_KEY, context.fetch);
}
