import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { toMermaid } from '../core/definition/graph';
import { DefinitionRegistry } from '../definitions/definition-registry';
import { DefinitionNotFoundError, ValidationFailedError } from '../core/errors';
import { type GraphQuery, graphQuerySchema } from './dto';
import { ZodValidationPipe } from './zod-validation.pipe';
import { AdminAccess, ReadAccess } from './auth/access';
import { DefinitionReloader } from '../definitions/definition-reload';
import { definitionSummaryView, definitionVersionView } from './definition-view';
import type { DefinitionDetail, DefinitionGraph, DefinitionList } from './responses/definitions';

@Controller('api/definitions')
@ReadAccess()
export class DefinitionsController {
  constructor(
    @Inject(DefinitionRegistry) private readonly registry: DefinitionRegistry,
    @Inject(DefinitionReloader) private readonly reloader: DefinitionReloader,
  ) {}

  @Get()
  list(): DefinitionList {
    return { items: this.registry.summaries().map(definitionSummaryView) };
  }

  /** Admin: reads the definitions folder again, all or nothing (422 with every problem); 200 as GET /. */
  @Post('reload')
  @AdminAccess()
  @HttpCode(200)
  async reload(): Promise<DefinitionList> {
    return { items: (await this.reloader.reload()).map(definitionSummaryView) };
  }

  /** The definition as a Mermaid flowchart; `version` defaults to the current one. */
  @Get(':name/graph')
  graph(
    @Param('name') name: string,
    @Query(new ZodValidationPipe(graphQuerySchema, 'query')) query: GraphQuery,
  ): DefinitionGraph {
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
  get(@Param('name') name: string): DefinitionDetail {
    const summary = this.registry.summary(name);
    if (summary === undefined) throw new DefinitionNotFoundError(name);
    return {
      ...definitionSummaryView(summary),
      definitions: this.registry.allVersions(name).map(definitionVersionView),
    };
  }
}
