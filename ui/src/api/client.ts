import { storedKey } from './key-store';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An error answer of the API (`{ error, message, details? }`), or a request that got no answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }

  /** The message with each detail, as one line for a person. */
  describe(): string {
    const details = this.details.map((detail) => `${detail.path}: ${detail.message}`);
    return [this.message, ...details].join('; ');
  }
}

let onUnauthorized: () => void = () => undefined;

/** Called when the API refuses the key (401), so the page can ask for another one. */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

/** A call to the API on this origin, with the tab's key as a bearer token; the parsed body on 2xx. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const key = storedKey();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'UNREACHABLE', 'the engine did not answer');
  }
  const text = await response.text();
  const parsed: unknown = text === '' ? null : safeParse(text);
  if (response.ok) return parsed as T;
  if (response.status === 401) onUnauthorized();
  const error = (parsed ?? {}) as { error?: string; message?: string; details?: ErrorDetail[] };
  throw new ApiError(
    response.status,
    error.error ?? `HTTP_${response.status}`,
    error.message ?? response.statusText,
    error.details ?? [],
  );
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const getJson = <T>(path: string) => api<T>('GET', path);
