import type { SagaDefinition, Stage, StepDefinition } from './types';

/**
 * The saga as a Mermaid flowchart: actions run forward (solid arrows); on a failure the compensations of the
 * completed steps run backward (dotted arrows). A step whose outcome is unknown (its attempts timed out) is
 * compensated too, so a timed-out step with a compensation enters the chain at its own compensation. A parallel
 * group is a box whose members stand side by side, and its compensations another; a retriable step that fails for
 * good suspends the saga.
 */
export function toMermaid(definition: SagaDefinition): string {
  const { steps, stages } = definition;
  const lines = ['flowchart LR', '  start([start])'];
  const stepNode = (index: number) => `s${index}`;
  const stageNode = (at: number) => {
    const stage = stages[at]!;
    return stage.kind === 'step' ? stepNode(stage.step) : `g${at}`;
  };
  const undoable = (index: number) => steps[index]!.compensationCommand !== null;
  const stageCompensation = (at: number): string | null => {
    const stage = stages[at]!;
    if (stage.kind === 'step') return undoable(stage.step) ? `c${stage.step}` : null;
    return stage.members.some(undoable) ? `cg${at}` : null;
  };
  /** Where compensation goes on after stage `at`'s: the latest earlier stage that can be undone. */
  const chainBelow = (at: number) => {
    for (let earlier = at - 1; earlier >= 0; earlier--) {
      const node = stageCompensation(earlier);
      if (node !== null) return node;
    }
    return 'compensated';
  };
  const next = (at: number) => (at + 1 < stages.length ? stageNode(at + 1) : 'completed');

  stages.forEach((stage, at) => lines.push(...stageNodes(definition, stage, at)));
  lines.push('  completed([COMPLETED])', '  compensated([COMPENSATED])');
  if (steps.some((step) => step.type === 'retriable')) lines.push('  suspended([SUSPENDED])');

  if (stages.length > 0) lines.push(`  start --> ${stageNode(0)}`);
  stages.forEach((stage, at) => {
    const node = stageNode(at);
    lines.push(`  ${node} -->|success| ${next(at)}`);
    if (stage.kind === 'group') {
      lines.push(`  ${node} -.->|failure| ${stageCompensation(at) ?? chainBelow(at)}`);
      return;
    }
    const step = steps[stage.step]!;
    lines.push(`  ${node} -.->|failure| ${step.type === 'retriable' ? 'suspended' : chainBelow(at)}`);
    if (undoable(stage.step)) lines.push(`  ${node} -.->|timeout| c${stage.step}`);
  });
  stages.forEach((_, at) => {
    const node = stageCompensation(at);
    if (node !== null) lines.push(`  ${node} -.-> ${chainBelow(at)}`);
  });
  return `${lines.join('\n')}\n`;
}

/** The nodes of one stage: a step and its compensation, or a group's members and their compensations, boxed. */
function stageNodes(definition: SagaDefinition, stage: Stage, at: number): string[] {
  const steps = definition.steps;
  if (stage.kind === 'step') {
    const step = steps[stage.step]!;
    const lines = [`  s${stage.step}["${stepLabel(step, definition.pivot === stage.step)}"]`];
    if (step.compensationCommand !== null) lines.push(`  c${stage.step}["${step.compensationCommand}"]`);
    return lines;
  }
  const lines = [`  subgraph g${at}["${stage.name} (parallel)"]`, '    direction TB'];
  for (const member of stage.members) lines.push(`    s${member}["${stepLabel(steps[member]!, false)}"]`);
  lines.push('  end');
  const undone = stage.members.filter((member) => steps[member]!.compensationCommand !== null);
  if (undone.length > 0) {
    lines.push(`  subgraph cg${at}["undo ${stage.name} (${stage.compensation})"]`, '    direction TB');
    for (const member of undone) lines.push(`    c${member}["${steps[member]!.compensationCommand}"]`);
    lines.push('  end');
  }
  return lines;
}

function stepLabel(step: StepDefinition, pivot: boolean): string {
  const notes = [
    pivot ? 'pivot' : null,
    step.type === 'retriable' ? 'retriable' : null,
    step.when ? 'when …' : null,
  ];
  const note = notes.filter((text) => text !== null).join(', ');
  return `${step.name}<br/>${step.participant}: ${step.actionCommand}${note === '' ? '' : `<br/>(${note})`}`;
}
