import type { CliContext } from '../../../src/cli/saga/context';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

/** What the fake API answers to one request: a status and a JSON body (or raw text). */
export type FakeAnswer = { status: number; body?: unknown; text?: string };

/**
 * A `CliContext` whose fetch answers from `respond` and records every request, with output collected in `out`
 * and `err`; sleeping returns at once.
 */
export function fakeCli(respond: (request: RecordedRequest) => FakeAnswer, env: Record<string, string> = {}) {
  const requests: RecordedRequest[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const fetchFake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request: RecordedRequest = {
      method: init?.method ?? 'GET',
      url: new URL(String(input)),
      headers: { ...(init?.headers as Record<string, string> | undefined) },
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(request);
    const answer = respond(request);
    const text = answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    return new Response(answer.status === 204 ? null : text, { status: answer.status });
  };
  const context: CliContext = {
    out: (line) => out.push(...line.split('\n')),
    err: (line) => err.push(...line.split('\n')),
    env: { SAGA_URL: 'http://engine.test:3000', ...env },
    readFile: () => {
      throw new Error('no files here');
    },
    sleep: async () => undefined,
    fetch: fetchFake,
  };
  return { context, requests, out, err };
}
