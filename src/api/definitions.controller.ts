import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import type { SagaDefinition } from '../core/definition/types';
import { toMermaid } from '../core/definition/graph';
import { DefinitionRegistry } from '../definitions/definition-registry';
import { DefinitionNotFoundError, ValidationFailedError } from '../core/errors';
import { type GraphQuery, graphQuerySchema } from './dto';
import { ZodValidationPipe } from './zod-validation.pipe';
import { ReadAccess } from './auth/access';

@Controller('api/definitions')
@ReadAccess()
export class DefinitionsController {
  constructor(@Inject(DefinitionRegistry) private readonly registry: DefinitionRegistry) {}

  @Get()
  list() {
    return { items: this.registry.summaries() };
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
  return {
    name: definition.name,
    version: definition.version,
    description: definition.description,
    input: definition.inputSchema,
    timeoutMs: definition.timeoutMs,
    steps: definition.steps.map((step) => ({
      name: step.name,
      participant: step.participant,
      action: step.actionCommand,
      compensation: step.compensationCommand,
      timeoutMs: step.timeoutMs,
      retry: step.retry,
      compensationRetry: step.compensationRetry,
    })),
  };
}
