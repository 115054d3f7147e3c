import type { CommandKind } from 'saga-orchestrator-sdk/contracts';
import type { SagaDefinition } from '../core/definition/types';

/**
 * What a scripted participant does with a step's commands: `fail` answers every attempt with a failure that is not
 * retryable; `retry` answers the first `failures` attempts with a retryable failure, then succeeds; `timeout`
 * leaves the first `unanswered` attempts without a reply, then succeeds.
 */
export type FaultMode =
  { type: 'fail' } | { type: 'retry'; failures: number } | { type: 'timeout'; unanswered: number };

/** A fault on a step's action (`<step>=<fault>`) or on its compensation (`<step>:comp=<fault>`). */
export interface Fault {
  step: string;
  kind: CommandKind;
  mode: FaultMode;
}

export type FaultParsing = { ok: true; fault: Fault } | { ok: false; message: string };

const COMPENSATION_SUFFIX = ':comp';
const FAULT_SYNTAX = 'fail, retry, retry:N, timeout or timeout:N';
const COUNTED_FAULT = /^(retry|timeout)(?::(\d+))?$/;

/** Parses `<step>=<fault>` or `<step>:comp=<fault>`; a bare `retry` or `timeout` means once. */
export function parseFault(spec: string): FaultParsing {
  const refuse = (why: string): FaultParsing => ({
    ok: false,
    message: `--fault ${JSON.stringify(spec)}: ${why}`,
  });
  const separator = spec.indexOf('=');
  if (separator <= 0) return refuse('expected <step>=<fault> or <step>:comp=<fault>');
  const target = spec.slice(0, separator);
  const modeText = spec.slice(separator + 1);
  const kind: CommandKind = target.endsWith(COMPENSATION_SUFFIX) ? 'compensation' : 'action';
  const step = kind === 'compensation' ? target.slice(0, -COMPENSATION_SUFFIX.length) : target;
  if (step === '') return refuse('expected a step name before ":comp"');
  if (modeText === 'fail') return { ok: true, fault: { step, kind, mode: { type: 'fail' } } };
  const counted = COUNTED_FAULT.exec(modeText);
  if (counted === null) return refuse(`unknown fault ${JSON.stringify(modeText)}; use ${FAULT_SYNTAX}`);
  const times = counted[2] === undefined ? 1 : Number(counted[2]);
  if (!Number.isSafeInteger(times) || times < 1) return refuse(`N must be a whole number from 1`);
  const mode: FaultMode =
    counted[1] === 'retry' ? { type: 'retry', failures: times } : { type: 'timeout', unanswered: times };
  return { ok: true, fault: { step, kind, mode } };
}

export type FaultPlan = { ok: true; faults: Fault[] } | { ok: false; problems: string[] };

/** Parses every `--fault` and checks it against the definition: each must name a step (and a compensation) once. */
export function planFaults(definition: SagaDefinition, specs: readonly string[]): FaultPlan {
  const faults: Fault[] = [];
  const problems: string[] = [];
  const stepNames = definition.steps.map((step) => step.name);
  const groupNames = definition.stages.flatMap((stage) => (stage.kind === 'group' ? [stage.name] : []));
  for (const spec of specs) {
    const parsed = parseFault(spec);
    if (!parsed.ok) {
      problems.push(parsed.message);
      continue;
    }
    const { fault } = parsed;
    const refuse = (why: string) => problems.push(`--fault ${JSON.stringify(spec)}: ${why}`);
    const step = definition.steps.find((candidate) => candidate.name === fault.step);
    if (step === undefined) {
      refuse(
        groupNames.includes(fault.step)
          ? `"${fault.step}" is a parallel group; name one of its steps`
          : `the saga has no step "${fault.step}" (its steps: ${stepNames.join(', ')})`,
      );
    } else if (fault.kind === 'compensation' && step.compensationCommand === null) {
      refuse(`step "${fault.step}" has no compensation`);
    } else if (faults.some((other) => other.step === fault.step && other.kind === fault.kind)) {
      refuse(`the ${fault.kind} of "${fault.step}" already has a fault`);
    } else {
      faults.push(fault);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, faults };
}
