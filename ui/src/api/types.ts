/** The shapes the page reads from the REST API (docs/rest-api.md). */

export const sagaStatuses = [
  'RUNNING',
  'COMPENSATING',
  'SUSPENDED',
  'COMPLETED',
  'COMPENSATED',
  'COMPENSATION_FAILED',
] as const;
export type SagaStatus = (typeof sagaStatuses)[number];

export const terminalStatuses: ReadonlySet<SagaStatus> = new Set([
  'COMPLETED',
  'COMPENSATED',
  'COMPENSATION_FAILED',
]);

export type Role = 'read' | 'admin';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface SagaSummary {
  id: string;
  name: string;
  version: number;
  status: SagaStatus;
  correlationId: string;
  failingStep: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SagaPage {
  items: SagaSummary[];
  nextCursor: string | null;
}

export type AttemptOutcome = 'pending' | 'success' | 'failure' | 'timeout' | 'abandoned';

export interface Attempt {
  kind: 'action' | 'compensation';
  attempt: number;
  messageId: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  outcome: AttemptOutcome;
  error: Json;
  output: Json;
}

export type StepStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'UNKNOWN' | 'SKIPPED';

export interface StepView {
  name: string;
  status: StepStatus;
  attempts: number;
  output: Json;
  error: Json;
  startedAt: string | null;
  finishedAt: string | null;
  compensation: {
    status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
    attempts: number;
    error: Json;
    startedAt: string | null;
    finishedAt: string | null;
  } | null;
  history: Attempt[];
}

export interface SagaDetail extends SagaSummary {
  rerunOf: string | null;
  reruns: string[];
  input: Json;
  deadlineAt: string | null;
  errors: Array<{ step: string; error: Json; at: string }>;
  suspension: { step: string | null; reason: string; at: string } | null;
  steps: StepView[];
}

export interface SagaLogEntry {
  seq: number;
  type: string;
  at: string;
  step?: string;
  data: { [key: string]: Json };
}

export interface LogPage {
  items: SagaLogEntry[];
  nextCursor: string | null;
}

export interface DefinitionSummary {
  name: string;
  description: string | null;
  currentVersion: number | null;
  versions: number[];
}

/** GET /api/definitions/{name}: the summary and every stored version (only what the page reads). */
export interface DefinitionDetail extends DefinitionSummary {
  definitions: Array<{ version: number; steps: Array<{ name: string }> }>;
}

export interface DefinitionGraph {
  name: string;
  version: number;
  format: 'mermaid';
  graph: string;
}

export interface StepStats {
  saga: string;
  step: string;
  ran: number;
  skipped: number;
  failed: number;
  compensated: number;
  compensationFailed: number;
  failureRate: number;
  compensationRate: number;
}

export interface SagaStats {
  window: { since: string; name: string | null };
  counts: Array<{ name: string; version: number; status: SagaStatus; count: number }>;
  open: Array<{ name: string; version: number; status: SagaStatus; count: number }>;
  startedPerMinute: Array<{ minute: string; count: number }>;
  finishedPerMinute: Array<{ minute: string; count: number }>;
  duration: { finished: number; p50Ms: number | null; p95Ms: number | null; p99Ms: number | null };
  steps: StepStats[];
  oldestUnfinishedAgeSeconds: number | null;
  pastDeadline: number;
  suspended: number;
  deadLetters: { stored: number; inQueue: number | null };
}

export interface DeadLetter {
  id: string;
  messageId: string | null;
  reason: string;
  originalExchange: string;
  originalRoutingKey: string;
  receivedAt: string;
  contentType: string | null;
  encoding: 'utf8' | 'base64';
  content: string;
  contentBytes: number;
  truncated: boolean;
  headers: { [key: string]: Json };
}

export interface DeadLetterPage {
  items: DeadLetter[];
  nextCursor: string | null;
}
