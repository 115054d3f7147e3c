import { sagaStatuses } from '../../core/status';
import { listEventsQuerySchema, listSagasQuerySchema, startSagaBodySchema } from '../dto';
import type { RequestSchemas } from './json-schemas';
import { errorResponses, jsonResponse, operation, sagaIdParameter } from './operations';

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 1, maxLength: 200 },
  description: 'the same key with the same request answers 200 and the same saga; with another request, 409',
};
const traceHeaders = ['traceparent', 'tracestate'].map((name) => ({
  name,
  in: 'header',
  required: false,
  schema: { type: 'string' },
  description: 'W3C Trace Context, copied onto every command; ignored when not valid',
}));

/** Starting, listing and reading sagas. */
export function sagaPaths(requests: RequestSchemas) {
  return {
    '/api/sagas': {
      post: operation({
        summary: 'Start a saga',
        access: 'admin',
        parameters: [idempotencyKey, ...traceHeaders],
        body: { schema: requests.body('StartSaga', startSagaBodySchema) },
        responses: {
          '201': jsonResponse('started', 'StartedSaga'),
          '200': jsonResponse('the saga an earlier request with this Idempotency-Key started', 'StartedSaga'),
          ...errorResponses(404, 409, 429, 503),
        },
      }),
      get: operation({
        summary: 'List sagas, newest first',
        access: 'read',
        parameters: requests.query('ListSagas', listSagasQuerySchema, {
          status: `one or more of ${sagaStatuses.join(', ')}; repeat or comma-separate`,
          cursor: 'the nextCursor of the page before',
        }),
        responses: { '200': jsonResponse('a page', 'SagaPage'), ...errorResponses(400, 503) },
      }),
    },
    '/api/sagas/{id}': {
      get: operation({
        summary: 'A saga with its steps and every attempt',
        access: 'read',
        parameters: [sagaIdParameter],
        responses: { '200': jsonResponse('the saga', 'Saga'), ...errorResponses(404, 503) },
      }),
    },
    '/api/sagas/{id}/events': {
      get: operation({
        summary: "The saga's append-only log, oldest first",
        access: 'read',
        parameters: [
          sagaIdParameter,
          ...requests.query('ListEvents', listEventsQuerySchema, {
            cursor: 'the nextCursor of the page before',
          }),
        ],
        responses: {
          '200': jsonResponse('a page of the log', 'SagaEventPage'),
          ...errorResponses(400, 404, 503),
        },
      }),
    },
  };
}
