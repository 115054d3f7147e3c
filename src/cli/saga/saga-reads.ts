import { type SagaApiClient, expectShape, segment } from './api-client';
import { type LogEntry, type SagaDetail, logPageSchema, sagaDetailSchema } from './api-schemas';

/** `GET /api/sagas/{id}`: the saga as read (`detail`) and as the API gave it (`body`, for `--json`). */
export async function readSaga(
  api: SagaApiClient,
  id: string,
): Promise<{ detail: SagaDetail; body: unknown }> {
  const path = `/api/sagas/${segment(id)}`;
  const { body } = await api.send('GET', path);
  return { detail: expectShape(sagaDetailSchema, body, `GET ${path}`), body };
}

/** The saga's log after entry `afterSeq` (from the start by default), every page, oldest first. */
export async function readLog(api: SagaApiClient, id: string, afterSeq?: number): Promise<LogEntry[]> {
  const path = `/api/sagas/${segment(id)}/events`;
  const entries: LogEntry[] = [];
  let cursor = afterSeq === undefined ? undefined : String(afterSeq);
  for (;;) {
    const page = await api.get(path, logPageSchema, { cursor });
    entries.push(...page.items);
    if (page.nextCursor === null) return entries;
    cursor = page.nextCursor;
  }
}
