import type { SagaDefinition } from './types';

/**
 * The saga as a Mermaid flowchart: actions run forward (solid arrows); on a failure the compensations of the
 * completed steps run backward (dotted arrows). A step whose outcome is unknown (its attempts timed out) is
 * compensated too, so a timed-out step with a compensation enters the chain at its own compensation.
 */
export function toMermaid(definition: SagaDefinition): string {
  const lines = ['flowchart LR', '  start([start])'];
  const steps = definition.steps;
  const compensable = steps.flatMap((step, index) => (step.compensationCommand === null ? [] : [index]));
  const compensationNode = (index: number) => `c${index}`;
  /** Where compensation starts when step `index` failed: the latest earlier step that can be undone. */
  const chainBelow = (index: number) => {
    const previous = compensable.filter((i) => i < index).pop();
    return previous === undefined ? 'compensated' : compensationNode(previous);
  };

  steps.forEach((step, index) => {
    lines.push(`  s${index}["${step.name}<br/>${step.participant}: ${step.actionCommand}"]`);
    if (step.compensationCommand !== null)
      lines.push(`  ${compensationNode(index)}["${step.compensationCommand}"]`);
  });
  lines.push('  completed([COMPLETED])', '  compensated([COMPENSATED])');

  lines.push(`  start --> s0`);
  steps.forEach((step, index) => {
    const next = index + 1 < steps.length ? `s${index + 1}` : 'completed';
    lines.push(`  s${index} -->|success| ${next}`);
    lines.push(`  s${index} -.->|failure| ${chainBelow(index)}`);
    if (step.compensationCommand !== null) lines.push(`  s${index} -.->|timeout| ${compensationNode(index)}`);
  });
  for (const index of compensable) {
    lines.push(`  ${compensationNode(index)} -.-> ${chainBelow(index)}`);
  }
  return `${lines.join('\n')}\n`;
}
