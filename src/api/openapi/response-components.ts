import { replyErrorSchema } from 'saga-orchestrator-sdk/contracts';
import { sagaStatsSchema } from '../../observability/saga-stats-schema';
import { deadLetterPageSchema, deadLetterSchema, replayedDeadLetterSchema } from '../responses/dead-letters';
import {
  definitionDetailSchema,
  definitionGraphSchema,
  definitionListSchema,
  definitionStepSchema,
  definitionSummarySchema,
  definitionVersionSchema,
  retryPolicySchema,
} from '../responses/definitions';
import { errorBodySchema, errorDetailSchema } from '../responses/error';
import { jsonObjectResponseSchema, jsonValueResponseSchema } from '../responses/json';
import { livenessSchema, readinessSchema } from '../responses/health';
import { whoamiSchema } from '../responses/whoami';
import {
  attemptSchema,
  compensationErrorSchema,
  sagaDetailSchema,
  sagaEventPageSchema,
  sagaEventSchema,
  sagaPageSchema,
  sagaStatusSchema,
  sagaSummarySchema,
  stepCompensationSchema,
  stepSchema,
  suspensionSchema,
} from '../responses/saga';
import {
  bulkMigrationSchema,
  migratedSagaSchema,
  operatorAnswerSchema,
  rerunSagaSchema,
  startedSagaSchema,
} from '../responses/saga-answers';

/**
 * The name of every response schema in the OpenAPI document (`#/components/schemas/<name>`). A schema used inside
 * another one named here becomes a reference, so a typed client gets one type per name.
 */
export const RESPONSE_COMPONENTS = {
  Error: errorBodySchema,
  ErrorDetail: errorDetailSchema,
  JsonValue: jsonValueResponseSchema,
  JsonObject: jsonObjectResponseSchema,
  ReplyError: replyErrorSchema,
  SagaStatus: sagaStatusSchema,
  StartedSaga: startedSagaSchema,
  RerunSaga: rerunSagaSchema,
  SagaSummary: sagaSummarySchema,
  SagaPage: sagaPageSchema,
  Saga: sagaDetailSchema,
  Step: stepSchema,
  StepCompensation: stepCompensationSchema,
  Attempt: attemptSchema,
  Suspension: suspensionSchema,
  CompensationError: compensationErrorSchema,
  SagaEvent: sagaEventSchema,
  SagaEventPage: sagaEventPageSchema,
  OperatorAnswer: operatorAnswerSchema,
  MigratedSaga: migratedSagaSchema,
  BulkMigration: bulkMigrationSchema,
  DefinitionSummary: definitionSummarySchema,
  DefinitionList: definitionListSchema,
  Definition: definitionDetailSchema,
  DefinitionVersion: definitionVersionSchema,
  DefinitionStep: definitionStepSchema,
  RetryPolicy: retryPolicySchema,
  DefinitionGraph: definitionGraphSchema,
  Stats: sagaStatsSchema,
  DeadLetter: deadLetterSchema,
  DeadLetterPage: deadLetterPageSchema,
  ReplayedDeadLetter: replayedDeadLetterSchema,
  Readiness: readinessSchema,
  Liveness: livenessSchema,
  Whoami: whoamiSchema,
} as const;
export type ResponseComponent = keyof typeof RESPONSE_COMPONENTS;
