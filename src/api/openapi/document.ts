import { deadLetterPaths } from './dead-letter-paths';
import { definitionPaths } from './definition-paths';
import { type JsonSchema, RequestSchemas, responseSchemas } from './json-schemas';
import { operatorPaths } from './operator-paths';
import { probePaths } from './probe-paths';
import { sagaPaths } from './saga-paths';
import { statsPaths } from './stats-paths';

/**
 * The OpenAPI 3.1 document of the REST API: request schemas from the zod schemas that validate requests, response
 * schemas from the zod schemas the views' types are inferred from.
 */
export function buildOpenApiDocument(version: string): JsonSchema {
  const requests = new RequestSchemas();
  const paths = {
    ...sagaPaths(requests),
    ...operatorPaths(requests),
    ...definitionPaths(requests),
    ...statsPaths(requests),
    ...deadLetterPaths(requests),
    ...probePaths(),
  };
  const responses = responseSchemas();
  const clash = Object.keys(requests.components).find((name) => name in responses);
  if (clash !== undefined) throw new Error(`two schemas of the OpenAPI document are named ${clash}`);
  return {
    openapi: '3.1.0',
    info: { title: 'Saga orchestrator', version, description: 'Start sagas, watch them, operate them.' },
    security: [{ apiKey: [] }],
    paths,
    components: {
      schemas: { ...responses, ...requests.components },
      parameters: {
        RequestId: {
          name: 'X-Request-Id',
          in: 'header',
          required: false,
          schema: { type: 'string', maxLength: 200 },
          description:
            'names the request in the access log and the response; printable ASCII, else one is made. On a start, the causation id of the first command',
        },
      },
      headers: {
        RequestId: {
          description: "the request's X-Request-Id, or the id made for it",
          schema: { type: 'string' },
        },
        RetryAfter: { description: 'seconds to wait before trying again', schema: { type: 'string' } },
      },
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API_KEYS key' } },
    },
  };
}
