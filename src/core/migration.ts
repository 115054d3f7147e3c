import type { SagaDefinition, Stage, StepDefinition } from './definition/types';
import type { SagaState, StepState } from './state';
import { SagaStatus, StepStatus } from './status';

/** What the rule reads of a saga: its status and which steps have started. */
export interface SagaProgress {
  status: SagaState['status'];
  steps: ReadonlyArray<Pick<StepState, 'name' | 'status'>>;
}

/** One reason a saga may not move to a target version: where (`status`, `steps.<name>`, …) and why. */
export interface MigrationRefusal {
  path: string;
  message: string;
}

/**
 * Why a saga may not move from its definition `from` to `to`, one entry per reason; empty when it may. A step
 * has started once it is no longer PENDING (a SKIPPED step's condition was decided): such a step, and the group
 * it belongs to, must stay as it is in the target; everything not started yet may change.
 */
export function migrationRefusals(
  from: SagaDefinition,
  to: SagaDefinition,
  state: SagaProgress,
): MigrationRefusal[] {
  const refusals: MigrationRefusal[] = [];
  if (state.status !== SagaStatus.running && state.status !== SagaStatus.suspended) {
    refusals.push({
      path: 'status',
      message: `the saga is ${state.status}: only RUNNING and SUSPENDED sagas can be migrated`,
    });
  }
  if (to.name !== from.name) {
    refusals.push({
      path: 'name',
      message: `version ${to.version} is of saga "${to.name}", not "${from.name}"`,
    });
  }
  if (to.version === from.version) {
    refusals.push({ path: 'version', message: `the saga already runs version ${from.version}` });
  }
  const started = startedSteps(from, state);
  for (const step of started) refusals.push(...stepRefusals(step, from, to));
  for (const stage of startedGroups(from, started)) refusals.push(...groupRefusals(stage, from, to));
  return refusals;
}

/** The steps of `from` whose state is no longer PENDING, in definition order. */
function startedSteps(from: SagaDefinition, state: SagaProgress): StepDefinition[] {
  const begun = new Set(
    state.steps.filter((step) => step.status !== StepStatus.pending).map((step) => step.name),
  );
  return from.steps.filter((step) => begun.has(step.name));
}

function stepRefusals(step: StepDefinition, from: SagaDefinition, to: SagaDefinition): MigrationRefusal[] {
  const path = `steps.${step.name}`;
  const subject = `started step "${step.name}"`;
  const target = to.steps.find((candidate) => candidate.name === step.name);
  if (target === undefined) {
    return [{ path, message: `${subject} is not in version ${to.version}` }];
  }
  const refusals: MigrationRefusal[] = [];
  const here = placeOf(from, step);
  const there = placeOf(to, target);
  if (here !== there) {
    refusals.push({ path, message: `${subject} runs ${here}; version ${to.version} runs it ${there}` });
  }
  const differs = (field: string, ours: string | null, theirs: string | null): void => {
    if (ours === theirs) return;
    refusals.push({
      path,
      message: `${subject} has ${field} ${quoted(ours)}; version ${to.version} has ${quoted(theirs)}`,
    });
  };
  differs('participant', step.participant, target.participant);
  differs('action', step.actionCommand, target.actionCommand);
  differs('compensation', step.compensationCommand, target.compensationCommand);
  differs('type', step.type, target.type);
  return refusals;
}

/** Where a step runs: its stage and whether it is a group's member, e.g. `at stage 2, in group "book"`. */
function placeOf(definition: SagaDefinition, step: StepDefinition): string {
  const stage = definition.stages[step.stage];
  const within = stage?.kind === 'group' ? `in group "${stage.name}"` : 'on its own';
  return `at stage ${step.stage + 1}, ${within}`;
}

type GroupStage = Extract<Stage, { kind: 'group' }>;

function startedGroups(
  from: SagaDefinition,
  started: StepDefinition[],
): Array<{ index: number; stage: GroupStage }> {
  const indexes = [...new Set(started.map((step) => step.stage))];
  return indexes.flatMap((index) => {
    const stage = from.stages[index];
    return stage?.kind === 'group' ? [{ index, stage }] : [];
  });
}

function groupRefusals(
  { index, stage }: { index: number; stage: GroupStage },
  from: SagaDefinition,
  to: SagaDefinition,
): MigrationRefusal[] {
  const path = `groups.${stage.name}`;
  const subject = `started group "${stage.name}"`;
  const target = to.stages[index];
  if (target?.kind !== 'group' || target.name !== stage.name) {
    return [{ path, message: `${subject} is not at stage ${index + 1} in version ${to.version}` }];
  }
  const refusals: MigrationRefusal[] = [];
  if (target.compensation !== stage.compensation) {
    refusals.push({
      path,
      message: `${subject} compensates its members ${modeOf(stage)}; version ${to.version} ${modeOf(target)}`,
    });
  }
  // Members start together, so a started group's members all started: one added would never run.
  const ours = memberNames(from, stage);
  const theirs = memberNames(to, target);
  if (ours !== theirs) {
    refusals.push({ path, message: `${subject} has members ${ours}; version ${to.version} has ${theirs}` });
  }
  return refusals;
}

function modeOf(stage: GroupStage): string {
  return stage.compensation === 'parallel' ? 'all at once' : 'in reverse completion order';
}

function memberNames(definition: SagaDefinition, stage: GroupStage): string {
  return stage.members.map((member) => `"${definition.steps[member]!.name}"`).join(', ');
}

function quoted(value: string | null): string {
  return value === null ? 'none' : `"${value}"`;
}

/** Whether a saga that has started the stages up to `startedThrough` (a step or group name) may move, and why not. */
export interface MigrationAtStage {
  startedThrough: string;
  refusals: MigrationRefusal[];
}

/**
 * For two versions of a definition: stage by stage, whether a running saga that has started up to that stage could
 * move from `from` to `to` (what `npm run validate -- --migrate` prints).
 */
export function migrationByProgress(from: SagaDefinition, to: SagaDefinition): MigrationAtStage[] {
  return from.stages.map((stage, at) => {
    const state: SagaProgress = {
      status: SagaStatus.running,
      steps: from.steps.map((step) => ({
        name: step.name,
        status: step.stage <= at ? StepStatus.running : StepStatus.pending,
      })),
    };
    const refusals = migrationRefusals(from, to, state).filter((refusal) => refusal.path !== 'status');
    return { startedThrough: stage.kind === 'step' ? from.steps[stage.step]!.name : stage.name, refusals };
  });
}
