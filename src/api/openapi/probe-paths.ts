import { jsonResponse, operation, textResponse } from './operations';

/** For the platform, not users: no key. */
export function probePaths() {
  return {
    '/health': {
      get: operation({
        summary: 'PostgreSQL and RabbitMQ checks',
        access: 'public',
        responses: {
          '200': jsonResponse('both answer', 'Readiness'),
          '503': jsonResponse('one does not: its check is down', 'Readiness'),
        },
      }),
    },
    '/health/live': {
      get: operation({
        summary: 'Liveness: the process answers',
        access: 'public',
        responses: { '200': jsonResponse('always, while the process serves HTTP', 'Liveness') },
      }),
    },
    '/health/ready': {
      get: operation({
        summary: 'Readiness: PostgreSQL and RabbitMQ checks, as /health',
        access: 'public',
        responses: {
          '200': jsonResponse('both answer', 'Readiness'),
          '503': jsonResponse('one does not: its check is down', 'Readiness'),
        },
      }),
    },
    '/metrics': {
      get: operation({
        summary: 'Prometheus metrics',
        access: 'public',
        responses: {
          '200': textResponse('the text exposition format'),
        },
      }),
    },
  };
}
