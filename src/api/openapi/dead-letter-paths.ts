import { listDeadLettersQuerySchema } from '../dto';
import type { RequestSchemas } from './json-schemas';
import { emptyResponse, errorResponses, jsonResponse, operation, pathParameter } from './operations';

const deadLetterId = pathParameter('id', 'dead letter id');

/** Messages nobody could process: reading, replaying and forgetting them. */
export function deadLetterPaths(requests: RequestSchemas) {
  return {
    '/api/dead-letters': {
      get: operation({
        summary: 'Messages nobody could process, newest first, with the reason; the start of each content',
        access: 'read',
        parameters: requests.query('ListDeadLetters', listDeadLettersQuerySchema),
        responses: { '200': jsonResponse('a page', 'DeadLetterPage'), ...errorResponses(400, 503) },
      }),
    },
    '/api/dead-letters/{id}': {
      get: operation({
        summary: 'One dead letter with its whole content',
        access: 'read',
        parameters: [deadLetterId],
        responses: { '200': jsonResponse('the dead letter', 'DeadLetter'), ...errorResponses(404, 503) },
      }),
      delete: operation({
        summary: 'Forget a dead letter',
        access: 'admin',
        parameters: [deadLetterId],
        responses: { '204': emptyResponse('forgotten'), ...errorResponses(404, 503) },
      }),
    },
    '/api/dead-letters/{id}/replay': {
      post: operation({
        summary: 'Publish a dead letter again to where it first went',
        access: 'admin',
        parameters: [deadLetterId],
        responses: {
          '202': jsonResponse('published again and removed from the list', 'ReplayedDeadLetter'),
          ...errorResponses(404, 409, 503),
        },
      }),
    },
  };
}
