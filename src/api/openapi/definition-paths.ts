import { graphQuerySchema } from '../dto';
import type { RequestSchemas } from './json-schemas';
import { errorResponse, errorResponses, jsonResponse, operation, pathParameter } from './operations';

const nameParameter = pathParameter('name', 'saga name');

/** Loaded definitions, reloading them, and their graphs. */
export function definitionPaths(requests: RequestSchemas) {
  return {
    '/api/definitions': {
      get: operation({
        summary: 'Loaded definitions',
        access: 'read',
        responses: { '200': jsonResponse('the definitions', 'DefinitionList') },
      }),
    },
    '/api/definitions/reload': {
      post: operation({
        summary: 'Read the definitions folder again, all or nothing',
        access: 'admin',
        responses: {
          '200': jsonResponse('the definitions, as GET /api/definitions', 'DefinitionList'),
          '422': errorResponse(422, 'nothing changed: every problem in details, path "<file>: <path>"'),
          ...errorResponses(503),
        },
      }),
    },
    '/api/definitions/{name}': {
      get: operation({
        summary: 'A definition with every stored version',
        access: 'read',
        parameters: [nameParameter],
        responses: { '200': jsonResponse('the definition', 'Definition'), ...errorResponses(404) },
      }),
    },
    '/api/definitions/{name}/graph': {
      get: operation({
        summary: 'The definition as a Mermaid flowchart',
        access: 'read',
        parameters: [nameParameter, ...requests.query('Graph', graphQuerySchema)],
        responses: { '200': jsonResponse('the graph', 'DefinitionGraph'), ...errorResponses(400, 404) },
      }),
    },
  };
}
