import { statsQuerySchema } from '../dto';
import type { RequestSchemas } from './json-schemas';
import { errorResponses, jsonResponse, operation } from './operations';

/** The dashboard's statistics, and who is asking. */
export function statsPaths(requests: RequestSchemas) {
  return {
    '/api/stats': {
      get: operation({
        summary: 'Counts, throughput, durations, step failure rates, stuck sagas, dead letters, retention',
        access: 'read',
        parameters: requests.query('Stats', statsQuerySchema, { since: 'default: one hour ago' }),
        responses: { '200': jsonResponse('statistics', 'Stats'), ...errorResponses(400, 503) },
      }),
    },
    '/api/whoami': {
      get: operation({
        summary: 'The role of the key sent (`admin` on an open API), so a client offers only what it may do',
        access: 'read',
        responses: { '200': jsonResponse('the role', 'Whoami') },
      }),
    },
  };
}
