import type { RetryPolicy, SagaDefinition } from '../core/definition/types';
import type { DefinitionSummary } from '../definitions/definition-registry';
import type { DefinitionSummaryView, DefinitionVersionView, RetryPolicyView } from './responses/definitions';

export function definitionSummaryView(summary: DefinitionSummary): DefinitionSummaryView {
  return {
    name: summary.name,
    description: summary.description,
    currentVersion: summary.currentVersion,
    versions: summary.versions,
  };
}

/** One stored version as the API shows it: steps with their type, group, condition and rules; pivot, groups. */
export function definitionVersionView(definition: SagaDefinition): DefinitionVersionView {
  const groupOf = new Map<number, string>();
  for (const stage of definition.stages) {
    if (stage.kind === 'group') for (const member of stage.members) groupOf.set(member, stage.name);
  }
  return {
    name: definition.name,
    version: definition.version,
    description: definition.description,
    input: definition.inputSchema,
    timeoutMs: definition.timeoutMs,
    pivot: definition.pivot === null ? null : definition.steps[definition.pivot]!.name,
    groups: definition.stages.flatMap((stage) =>
      stage.kind === 'group'
        ? [
            {
              name: stage.name,
              compensation: stage.compensation,
              steps: stage.members.map((member) => definition.steps[member]!.name),
            },
          ]
        : [],
    ),
    steps: definition.steps.map((step, index) => ({
      name: step.name,
      participant: step.participant,
      action: step.actionCommand,
      compensation: step.compensationCommand,
      type: step.type,
      group: groupOf.get(index) ?? null,
      conditional: step.when !== null,
      onError: step.onError.map(({ codes, then }) => ({ codes, then })),
      timeoutMs: step.timeoutMs,
      retry: retryView(step.retry),
      compensationRetry: retryView(step.compensationRetry),
    })),
  };
}

/** `attempts: unlimited` is Infinity in the engine and has no JSON number. */
function retryView(policy: RetryPolicy): RetryPolicyView {
  return {
    attempts: Number.isFinite(policy.attempts) ? policy.attempts : 'unlimited',
    backoffMs: policy.backoffMs,
    multiplier: policy.multiplier,
    maxBackoffMs: policy.maxBackoffMs,
    jitter: policy.jitter,
  };
}
