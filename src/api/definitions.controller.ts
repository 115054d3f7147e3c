import { Controller, Get, Inject, Param } from '@nestjs/common';
import type { Engine } from '../app/engine';
import type { SagaDefinition } from '../core/definition/types';
import { UnknownDefinitionError } from '../core/errors';
import { ENGINE } from './tokens';

@Controller('api/definitions')
export class DefinitionsController {
  constructor(@Inject(ENGINE) private readonly engine: Engine) {}

  @Get()
  list() {
    return { items: this.engine.registry.summaries() };
  }

  @Get(':name')
  get(@Param('name') name: string) {
    const summary = this.engine.registry.summary(name);
    if (summary === undefined) throw new UnknownDefinitionError(name);
    return { ...summary, definitions: this.engine.registry.allVersions(name).map(definitionView) };
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
      action: step.action,
      compensation: step.compensation,
      timeoutMs: step.timeoutMs,
      retry: step.retry,
      compensationRetry: step.compensationRetry,
    })),
  };
}
