import type { z } from 'zod';
import { errorMessage } from '../../definitions/parsed-file';
import { ApiError, ApiUnreachableError, UnexpectedResponseError, errorBodySchema } from './api-errors';

/** A query string's values: a list repeats the parameter, undefined leaves it out. */
export type Query = Record<string, string | number | readonly string[] | undefined>;

export interface ApiRequest {
  query?: Query;
  /** Sent as JSON; absent, the request has no body. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** How long one request may take before `saga` gives up on it. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The engine's REST API: JSON in and out, the API key as `Authorization: Bearer`. Any status from 400 on becomes
 * an `ApiError` carrying the API's code, message and details.
 */
export class SagaApiClient {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly apiKey: string | undefined,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async send(method: string, path: string, request: ApiRequest = {}): Promise<ApiResponse> {
    const url = `${this.baseUrl}${path}${queryString(request.query ?? {})}`;
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (this.apiKey !== undefined && this.apiKey !== '') headers.authorization = `Bearer ${this.apiKey}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(url, {
        method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (error) {
      throw new ApiUnreachableError(`cannot reach the engine at ${this.baseUrl}: ${causeOf(error)}`);
    }
    const body = parseBody(text);
    if (response.status >= 400) throw errorOf(response.status, body, text);
    return { status: response.status, body };
  }

  /** GET, with the answer checked against what the command relies on. */
  async get<Schema extends z.ZodType>(path: string, schema: Schema, query?: Query): Promise<z.infer<Schema>> {
    const { body } = await this.send('GET', path, query === undefined ? {} : { query });
    return expectShape(schema, body, `GET ${path}`);
  }
}

/** The body checked against `schema`, or an `UnexpectedResponseError` naming each mismatch. */
export function expectShape<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
  what: string,
): z.infer<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`,
  );
  throw new UnexpectedResponseError(`unexpected answer to ${what}: ${problems.join('; ')}`);
}

/** A path segment as the API reads it: ids, step and saga names are encoded, never spliced in raw. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number') params.append(name, String(value));
    else value.forEach((item) => params.append(name, item));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function errorOf(status: number, body: unknown, text: string): ApiError {
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    const { error, message, details } = parsed.data;
    return new ApiError(status, error, message, details ?? []);
  }
  const start = text.trim().slice(0, 200);
  return new ApiError(status, `HTTP_${status}`, start === '' ? 'no error body' : start);
}

/** fetch wraps the reason (ECONNREFUSED, a DNS failure, a timeout) in `cause`. */
function causeOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000}s`;
  }
  const cause = error instanceof Error ? (error as Error & { cause?: unknown }).cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : cause.message;
  }
  return errorMessage(error);
}
