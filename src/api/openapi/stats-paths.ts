import { statsQuerySchema } from '../dto';
import type { RequestSchemas } from './json-schemas';
import { errorResponses, jsonResponse, operation } from './operations';

/** The dashboard's statistics. */
export function statsPaths(requests: RequestSchemas) {
  return {
    '/api/stats': {
      get: operation({
        summary: 'Counts, throughput, durations, step failure rates, stuck sagas, dead letters',
        access: 'read',
        parameters: requests.query('Stats', statsQuerySchema, { since: 'default: one hour ago' }),
        responses: { '200': jsonResponse('statistics', 'Stats'), ...errorResponses(400, 503) },
      }),
    },
  };
}
