import { SagaStatus, isTerminal } from '../core/status';
import type { DemoApi, SagaView } from './demo-api';

/** How long the demo waits for a saga to settle before it reports it as stuck. */
export const sagaWaitMs = 30000;

/** What a demo saga should end as. */
export interface Expectation {
  status: SagaStatus;
  /** The compensation commands that succeed, in the order they run. */
  compensations: string[];
  /** Step name → status, for the steps the case is about. */
  steps?: Record<string, string>;
}

/** What one part of the demo found: every unexpected outcome, and what it showed when there is none. */
export interface DemoResult {
  problems: string[];
  summary: string;
}

export interface CompensationRun {
  step: string;
  command: string;
  ok: boolean;
}

/** A saga as it settled, with the compensations its log shows. */
export interface SagaOutcome {
  /** What the saga is about, e.g. `order o-1`. */
  label: string;
  saga: SagaView;
  compensations: CompensationRun[];
  /** Each time the saga was suspended (`suspended at <step>`) or resumed, in order. */
  suspensions: string[];
}

export function isSettled(status: string): boolean {
  return isTerminal(status as SagaStatus) || status === SagaStatus.suspended;
}

export async function readOutcome(
  api: DemoApi,
  label: string,
  saga: SagaView,
  compensationOf: Map<string, string>,
): Promise<SagaOutcome> {
  const events = await api.events(saga.id);
  const compensations = events
    .filter((event) => event.type === 'CompensationSucceeded' || event.type === 'CompensationFailed')
    .map((event) => ({
      step: event.step ?? '?',
      command: compensationOf.get(event.step ?? '') ?? '?',
      ok: event.type === 'CompensationSucceeded',
    }));
  const suspensions = events.flatMap((event) => {
    if (event.type === 'SagaSuspended') return [`suspended at ${event.step ?? '?'}`];
    return event.type === 'SagaResumed' ? ['resumed'] : [];
  });
  return { label, saga, compensations, suspensions };
}

/** The saga's status, each step's status and attempts, and the compensations that ran. */
export function printOutcome({ label, saga, compensations, suspensions }: SagaOutcome): void {
  console.log(`Saga ${saga.id}  ${label}  →  ${saga.status}`);
  const width = Math.max(...saga.steps.map((step) => step.name.length));
  for (const step of saga.steps) {
    const compensation =
      step.compensation === null
        ? ''
        : `, compensation ${step.compensation.status} (${plural(step.compensation.attempts, 'attempt')})`;
    const error = step.error === null ? '' : `, ${step.error.code}`;
    console.log(
      `  ${step.name.padEnd(width)}  ${step.status.padEnd(9)} ${plural(step.attempts, 'attempt')}${error}${compensation}`,
    );
  }
  const ran = compensations.map((c) => `${c.command} (${c.step})${c.ok ? '' : ' FAILED'}`);
  console.log(`  compensations: ${ran.length === 0 ? 'none' : ran.join(' → ')}`);
  if (suspensions.length > 0) console.log(`  ${suspensions.join(' → ')}`);
}

/** Every way the outcome differs from the expectation, one line each. */
export function unexpected(outcome: SagaOutcome, expected: Expectation): string[] {
  const { label, saga, compensations } = outcome;
  if (!isSettled(saga.status)) {
    return [`${label}: saga ${saga.id} did not settle within ${sagaWaitMs / 1000} s (still ${saga.status})`];
  }
  const problems: string[] = [];
  if (saga.status !== expected.status) {
    problems.push(`${label}: ended ${saga.status}, expected ${expected.status}`);
  }
  const ran = compensations.map((c) => (c.ok ? c.command : `${c.command} (failed)`));
  if (ran.join() !== expected.compensations.join()) {
    const wanted = expected.compensations.length === 0 ? 'none' : expected.compensations.join(' then ');
    problems.push(`${label}: compensations ran ${ran.join(' then ') || 'none'}, expected ${wanted}`);
  }
  for (const [name, status] of Object.entries(expected.steps ?? {})) {
    const actual = saga.steps.find((step) => step.name === name)?.status ?? 'absent';
    if (actual !== status) problems.push(`${label}: step ${name} is ${actual}, expected ${status}`);
  }
  return problems;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
