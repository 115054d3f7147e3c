import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import type { RetryPolicy, SagaDefinition } from '../core/definition/types';
import { toMermaid } from '../core/definition/graph';
import { DefinitionRegistry } from '../definitions/definition-registry';
import { DefinitionNotFoundError, ValidationFailedError } from '../core/errors';
import { type GraphQuery, graphQuerySchema } from './dto';
import { ZodValidationPipe } from './zod-validation.pipe';
import { AdminAccess, ReadAccess } from './auth/access';
import { DefinitionReloader } from '../definitions/definition-reload';

@Controller('api/definitions')
@ReadAccess()
export class DefinitionsController {
  constructor(
    @Inject(DefinitionRegistry) private readonly registry: DefinitionRegistry,
    @Inject(DefinitionReloader) private readonly reloader: DefinitionReloader,
  ) {}

  @Get()
  list() {
    return { items: this.registry.summaries() };
  }

  /** Admin: reads the definitions folder again, all or nothing (422 with every problem); 200 as GET /. */
  @Post('reload')
  @AdminAccess()
  @HttpCode(200)
  async reload() {
    return { items: await this.reloader.reload() };
  }

  /** The definition as a Mermaid flowchart; `version` defaults to the current one. */
  @Get(':name/graph')
  graph(
    @Param('name') name: string,
    @Query(new ZodValidationPipe(graphQuerySchema, 'query')) query: GraphQuery,
  ) {
    const summary = this.registry.summary(name);
    if (summary === undefined) throw new DefinitionNotFoundError(name);
    const version = query.version ?? summary.currentVersion ?? Math.max(...summary.versions);
    const definition = this.registry.get(name, version);
    if (definition === undefined) {
      throw new ValidationFailedError(`saga "${name}" has no version ${version}`, [
        { path: 'version', message: `stored versions: ${summary.versions.join(', ')}` },
      ]);
    }
    return { name, version, format: 'mermaid', graph: toMermaid(definition) };
  }

  @Get(':name')
  get(@Param('name') name: string) {
    const summary = this.registry.summary(name);
    if (summary === undefined) throw new DefinitionNotFoundError(name);
    return { ...summary, definitions: this.registry.allVersions(name).map(definitionView) };
  }
}

function definitionView(definition: SagaDefinition) {
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
      onError: step.onError,
      timeoutMs: step.timeoutMs,
      retry: retryView(step.retry),
      compensationRetry: retryView(step.compensationRetry),
    })),
  };
}

/** `attempts: unlimited` is Infinity in the engine and has no JSON number. */
function retryView(policy: RetryPolicy) {
  return { ...policy, attempts: Number.isFinite(policy.attempts) ? policy.attempts : 'unlimited' };
}
