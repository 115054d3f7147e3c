import type { ReplyError } from 'saga-orchestrator-sdk/contracts';
import type { SagaState, StepState } from '../core/state';
import type { CompensationStatus, SagaStatus, StepStatus } from '../core/status';
import type { TimelineEntry } from './timeline';

export interface SimulatedCompensation {
  status: CompensationStatus;
  attempts: number;
  error: ReplyError | null;
}

export interface SimulatedStep {
  name: string;
  status: StepStatus;
  attempts: number;
  error: ReplyError | null;
  compensation: SimulatedCompensation | null;
}

/** What `npm run simulate -- … --json` prints. */
export interface SimulationResult {
  /** Where the saga stopped: a terminal status, SUSPENDED, or RUNNING / COMPENSATING when the simulation was cut short. */
  status: SagaStatus;
  steps: SimulatedStep[];
  timeline: TimelineEntry[];
}

export function simulationResult(state: SagaState, timeline: TimelineEntry[]): SimulationResult {
  return { status: state.status, steps: state.steps.map(simulatedStep), timeline };
}

function simulatedStep(step: StepState): SimulatedStep {
  const { compensation } = step;
  return {
    name: step.name,
    status: step.status,
    attempts: step.attempts,
    error: step.error,
    compensation:
      compensation === null
        ? null
        : { status: compensation.status, attempts: compensation.attempts, error: compensation.error },
  };
}
