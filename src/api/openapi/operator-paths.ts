import {
  abortSagaBodySchema,
  completeCompensationBodySchema,
  completeStepBodySchema,
  migrateSagaBodySchema,
  migrateSagasBodySchema,
  rerunSagaBodySchema,
  retrySagaBodySchema,
} from '../dto';
import type { JsonSchema, RequestSchemas } from './json-schemas';
import { errorResponses, jsonResponse, operation, pathParameter, sagaIdParameter } from './operations';

const stepParameter = pathParameter('step', 'step name');

/** 202 when it took effect, 200 when it already was, 404 for an unknown saga or step, 409 naming the status. */
function sagaAction(summary: string, body: { schema: JsonSchema; optional?: boolean }, onStep = false) {
  return operation({
    summary,
    access: 'admin',
    parameters: [sagaIdParameter, ...(onStep ? [stepParameter] : [])],
    body,
    responses: {
      '202': jsonResponse('accepted: the saga goes on (compensating, or running again)', 'OperatorAnswer'),
      '200': jsonResponse('nothing to do: what was asked is already in effect', 'OperatorAnswer'),
      ...errorResponses(404, 409, 503),
    },
  });
}

/** What an operator may do to sagas (CONTRACT §8). */
export function operatorPaths(requests: RequestSchemas) {
  return {
    '/api/sagas/{id}/retry': {
      post: sagaAction(
        'Resume a COMPENSATION_FAILED saga, or a SUSPENDED one with an optional new payload for its step',
        { schema: requests.body('RetrySaga', retrySagaBodySchema.unwrap()), optional: true },
      ),
    },
    '/api/sagas/{id}/abort': {
      post: sagaAction('Stop a RUNNING saga that has not passed its pivot, and compensate', {
        schema: requests.body('AbortSaga', abortSagaBodySchema),
      }),
    },
    '/api/sagas/{id}/steps/{step}/complete': {
      post: sagaAction(
        'Take a step whose action is running, waiting for a retry or suspended as succeeded with `output`',
        { schema: requests.body('CompleteStep', completeStepBodySchema) },
        true,
      ),
    },
    '/api/sagas/{id}/steps/{step}/compensation/complete': {
      post: sagaAction(
        'Take a running or failed compensation as done; a COMPENSATION_FAILED saga goes on compensating',
        { schema: requests.body('CompleteCompensation', completeCompensationBodySchema) },
        true,
      ),
    },
    '/api/sagas/{id}/rerun': {
      post: operation({
        summary: 'Start a terminal saga again as a new saga, with new input or the same',
        access: 'admin',
        parameters: [
          sagaIdParameter,
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            schema: { type: 'string', maxLength: 200 },
          },
        ],
        body: { schema: requests.body('RerunSaga', rerunSagaBodySchema.unwrap()), optional: true },
        responses: {
          '201': jsonResponse('the new saga', 'RerunSaga'),
          '200': jsonResponse(
            'the saga an earlier request with the same Idempotency-Key started',
            'RerunSaga',
          ),
          ...errorResponses(404, 409, 429, 503),
        },
      }),
    },
    '/api/sagas/{id}/migrate': {
      post: operation({
        summary: 'Move a RUNNING or SUSPENDED saga to another stored version of its definition',
        access: 'admin',
        parameters: [sagaIdParameter],
        body: { schema: requests.body('MigrateSaga', migrateSagaBodySchema) },
        responses: {
          '202': jsonResponse('moved', 'MigratedSaga'),
          '200': jsonResponse('nothing to do: the saga already runs that version', 'MigratedSaga'),
          ...errorResponses(404, 409, 503),
        },
      }),
    },
    '/api/sagas/migrate': {
      post: operation({
        summary: 'Move every running saga of a version to another; dryRun checks only',
        access: 'admin',
        body: { schema: requests.body('MigrateSagas', migrateSagasBodySchema) },
        responses: {
          '200': jsonResponse('what moved and what could not', 'BulkMigration'),
          ...errorResponses(503),
        },
      }),
    },
  };
}
