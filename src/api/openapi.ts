import { z } from 'zod';
import { sagaStatuses } from '../core/status';
import {
  abortSagaBodySchema,
  completeCompensationBodySchema,
  completeStepBodySchema,
  rerunSagaBodySchema,
  retrySagaBodySchema,
  migrateSagaBodySchema,
  migrateSagasBodySchema,
  graphQuerySchema,
  listDeadLettersQuerySchema,
  listSagasQuerySchema,
  startSagaBodySchema,
  statsQuerySchema,
} from './dto';

type JsonSchema = Record<string, unknown>;
const components: Record<string, JsonSchema> = {};

/** A request schema as JSON Schema 2020-12 (what OpenAPI 3.1 uses); its $defs move to components. */
function requestSchema(prefix: string, schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  delete json.$defs;
  const rename = (text: string) => text.replace(/#\/\$defs\/([\w-]+)/g, `#/components/schemas/${prefix}$1`);
  for (const [name, def] of Object.entries(defs))
    components[`${prefix}${name}`] = JSON.parse(rename(JSON.stringify(def)));
  return JSON.parse(rename(JSON.stringify(json))) as JsonSchema;
}

function queryParameters(prefix: string, schema: z.ZodObject): JsonSchema[] {
  const json = requestSchema(prefix, schema) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
    ...(name === 'status'
      ? { description: `one or more of ${sagaStatuses.join(', ')}; repeat or comma-separate` }
      : {}),
  }));
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [String(status), json(ref('Error'), errorDescriptions[status] ?? 'error')]),
  );
const errorDescriptions: Record<number, string> = {
  400: 'invalid request; `details` names each failing field',
  401: 'missing or wrong API key',
  403: 'this key may only read',
  404: 'not found',
  409: 'conflict with the current state',
  413: 'body larger than MAX_BODY_BYTES',
  429: 'rate limited; see Retry-After',
  503: 'a dependency is unavailable',
};
const idParameter = (description: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description,
});
const stepParameter = {
  name: 'step',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'step name',
};
const sagaAction = (summary: string, body?: JsonSchema, bodyRequired = true, onStep = false) => ({
  summary,
  parameters: [idParameter('saga id'), ...(onStep ? [stepParameter] : [])],
  ...(body
    ? { requestBody: { required: bodyRequired, content: { 'application/json': { schema: body } } } }
    : {}),
  responses: {
    '202': json(ref('SagaStatus'), 'accepted: the saga goes on (compensating, or running again)'),
    '200': json(ref('SagaStatus'), 'nothing to do: what was asked is already in effect'),
    ...errors(400, 401, 403, 404, 409),
  },
});

/** The OpenAPI 3.1 document of the REST API, built from the zod schemas that validate requests. */
export function buildOpenApiDocument(version: string): JsonSchema {
  Object.assign(components, {
    Error: {
      type: 'object',
      required: ['error', 'message'],
      properties: {
        error: { type: 'string' },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
    SagaStatus: {
      type: 'object',
      properties: { id: { type: 'string' }, status: { type: 'string', enum: [...sagaStatuses] } },
    },
    StartedSaga: {
      type: 'object',
      properties: {
        id: { type: 'string', format: 'uuid' },
        name: { type: 'string' },
        version: { type: 'integer' },
        status: { type: 'string', enum: [...sagaStatuses] },
      },
    },
    Saga: { type: 'object', description: 'the saga with its steps, each with its attempt history' },
    SagaPage: {
      type: 'object',
      properties: {
        items: { type: 'array', items: { type: 'object' } },
        nextCursor: { type: ['string', 'null'] },
      },
    },
  });
  const startBody = requestSchema('StartSaga', startSagaBodySchema);
  return {
    openapi: '3.1.0',
    info: { title: 'Saga orchestrator', version, description: 'Start sagas, watch them, operate them.' },
    security: [{ apiKey: [] }],
    paths: {
      '/api/sagas': {
        post: {
          summary: 'Start a saga',
          parameters: [
            { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } },
            { name: 'X-Request-Id', in: 'header', required: false, schema: { type: 'string' } },
            { name: 'traceparent', in: 'header', required: false, schema: { type: 'string' } },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: startBody } } },
          responses: {
            '201': json(ref('StartedSaga'), 'started'),
            '200': json(ref('StartedSaga'), 'the saga an earlier request with this Idempotency-Key started'),
            ...errors(400, 401, 403, 404, 409, 413, 429, 503),
          },
        },
        get: {
          summary: 'List sagas, newest first',
          parameters: queryParameters('ListSagas', listSagasQuerySchema),
          responses: { '200': json(ref('SagaPage'), 'a page'), ...errors(400, 401) },
        },
      },
      '/api/sagas/{id}': {
        get: {
          summary: 'A saga with its steps and every attempt',
          parameters: [idParameter('saga id')],
          responses: { '200': json(ref('Saga'), 'the saga'), ...errors(401, 404) },
        },
      },
      '/api/sagas/{id}/events': {
        get: {
          summary: "The saga's append-only log, oldest first",
          parameters: [idParameter('saga id')],
          responses: { '200': json({ type: 'object' }, 'the log'), ...errors(401, 404) },
        },
      },
      '/api/sagas/{id}/retry': {
        post: sagaAction(
          'Resume a COMPENSATION_FAILED saga, or a SUSPENDED one with an optional new payload for its step (admin)',
          requestSchema('RetrySaga', retrySagaBodySchema.unwrap()),
          false,
        ),
      },
      '/api/sagas/{id}/abort': {
        post: sagaAction(
          'Stop a RUNNING saga that has not passed its pivot, and compensate (admin)',
          requestSchema('AbortSaga', abortSagaBodySchema),
        ),
      },
      '/api/sagas/{id}/steps/{step}/complete': {
        post: sagaAction(
          'Take a step whose action is running, waiting for a retry or suspended as succeeded with `output` (admin)',
          requestSchema('CompleteStep', completeStepBodySchema),
          true,
          true,
        ),
      },
      '/api/sagas/{id}/steps/{step}/compensation/complete': {
        post: sagaAction(
          'Take a running or failed compensation as done; a COMPENSATION_FAILED saga goes on compensating (admin)',
          requestSchema('CompleteCompensation', completeCompensationBodySchema),
          true,
          true,
        ),
      },
      '/api/sagas/{id}/rerun': {
        post: {
          summary: 'Start a terminal saga again as a new saga, with new input or the same (admin)',
          parameters: [
            idParameter('saga id'),
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', maxLength: 200 },
            },
          ],
          requestBody: {
            required: false,
            content: {
              'application/json': { schema: requestSchema('RerunSaga', rerunSagaBodySchema.unwrap()) },
            },
          },
          responses: {
            '201': json(
              { type: 'object', properties: { id: {}, name: {}, version: {}, status: {}, rerunOf: {} } },
              'the new saga',
            ),
            '200': json(
              { type: 'object' },
              'the saga an earlier request with the same Idempotency-Key started',
            ),
            ...errors(400, 401, 403, 404, 409, 429),
          },
        },
      },
      '/api/sagas/{id}/migrate': {
        post: {
          summary: 'Move a RUNNING or SUSPENDED saga to another stored version of its definition (admin)',
          parameters: [idParameter('saga id')],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: requestSchema('MigrateSaga', migrateSagaBodySchema) } },
          },
          responses: {
            '202': json({ type: 'object' }, 'moved'),
            '200': json({ type: 'object' }, 'nothing to do: the saga already runs that version'),
            ...errors(400, 401, 403, 404, 409),
          },
        },
      },
      '/api/sagas/migrate': {
        post: {
          summary: 'Move every running saga of a version to another (admin); dryRun checks only',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: requestSchema('MigrateSagas', migrateSagasBodySchema) },
            },
          },
          responses: {
            '200': json({ type: 'object' }, '{ migrated, refused: [{ id, reasons }], dryRun }'),
            ...errors(400, 401, 403),
          },
        },
      },
      '/api/definitions': {
        get: {
          summary: 'Loaded definitions',
          responses: { '200': json({ type: 'object' }, 'definitions'), ...errors(401) },
        },
      },
      '/api/definitions/reload': {
        post: {
          summary: 'Read the definitions folder again, all or nothing (admin)',
          responses: {
            '200': json({ type: 'object' }, 'the definitions, as GET /api/definitions'),
            '422': json(ref('Error'), 'nothing changed: every problem in details, path "<file>: <path>"'),
            ...errors(401, 403),
          },
        },
      },
      '/api/definitions/{name}': {
        get: {
          summary: 'A definition with every stored version',
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': json({ type: 'object' }, 'the definition'), ...errors(401, 404) },
        },
      },
      '/api/definitions/{name}/graph': {
        get: {
          summary: 'The definition as a Mermaid flowchart',
          parameters: [
            { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
            ...queryParameters('Graph', graphQuerySchema),
          ],
          responses: { '200': json({ type: 'object' }, 'the graph'), ...errors(400, 401, 404) },
        },
      },
      '/api/stats': {
        get: {
          summary: 'Counts, throughput, durations, step failure rates, stuck sagas, dead letters, retention',
          parameters: queryParameters('Stats', statsQuerySchema),
          responses: { '200': json({ type: 'object' }, 'statistics'), ...errors(400, 401) },
        },
      },
      '/api/whoami': {
        get: {
          summary: 'The role of the key sent (`admin` on an open API)',
          responses: {
            '200': json(
              {
                type: 'object',
                required: ['role'],
                properties: { role: { type: 'string', enum: ['read', 'admin'] } },
              },
              'the role',
            ),
            ...errors(401),
          },
        },
      },
      '/api/dead-letters': {
        get: {
          summary: 'Messages nobody could process, newest first, with the reason',
          parameters: queryParameters('ListDeadLetters', listDeadLettersQuerySchema),
          responses: { '200': json({ type: 'object' }, 'a page'), ...errors(400, 401) },
        },
      },
      '/api/dead-letters/{id}/replay': {
        post: {
          summary: 'Publish a dead letter again to where it first went (admin)',
          parameters: [idParameter('dead letter id')],
          responses: { '202': json({ type: 'object' }, 'replayed'), ...errors(401, 403, 404) },
        },
      },
      '/api/dead-letters/{id}': {
        delete: {
          summary: 'Forget a dead letter (admin)',
          parameters: [idParameter('dead letter id')],
          responses: { '204': { description: 'deleted' }, ...errors(401, 403, 404) },
        },
      },
      '/health': {
        get: {
          summary: 'PostgreSQL and RabbitMQ checks (no key needed)',
          security: [],
          responses: {
            '200': json({ type: 'object' }, 'both up'),
            '503': json({ type: 'object' }, 'one is down'),
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (no key needed)',
          security: [],
          responses: {
            '200': {
              description: 'text exposition',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
          },
        },
      },
    },
    components: {
      schemas: components,
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API_KEYS key' } },
    },
  };
}
