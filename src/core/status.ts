export const SagaStatus = {
  running: 'RUNNING',
  compensating: 'COMPENSATING',
  completed: 'COMPLETED',
  compensated: 'COMPENSATED',
  compensationFailed: 'COMPENSATION_FAILED',
  /** Not terminal: no timer runs and nothing is sent until an operator retries it. */
  suspended: 'SUSPENDED',
} as const;
export type SagaStatus = (typeof SagaStatus)[keyof typeof SagaStatus];
export const sagaStatuses: readonly SagaStatus[] = Object.values(SagaStatus);

export const terminalStatuses: ReadonlySet<SagaStatus> = new Set([
  SagaStatus.completed,
  SagaStatus.compensated,
  SagaStatus.compensationFailed,
]);

export function isTerminal(status: SagaStatus): boolean {
  return terminalStatuses.has(status);
}

export const StepStatus = {
  pending: 'PENDING',
  running: 'RUNNING',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  /** The last attempt timed out, or was outstanding when the saga deadline passed. */
  unknown: 'UNKNOWN',
  /** Its condition did not hold: it never ran, is never compensated, and its output reads as null. */
  skipped: 'SKIPPED',
} as const;
export type StepStatus = (typeof StepStatus)[keyof typeof StepStatus];

export const CompensationStatus = {
  running: 'RUNNING',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
} as const;
export type CompensationStatus = (typeof CompensationStatus)[keyof typeof CompensationStatus];
