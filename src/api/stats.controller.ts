import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { Engine } from '../app/engine';
import { type StatsQuery, statsQuerySchema } from './dto';
import { ENGINE } from './tokens';
import { ZodValidationPipe } from './zod-validation.pipe';
import { ReadAccess } from './auth/access';

@Controller('api/stats')
@ReadAccess()
export class StatsController {
  constructor(@Inject(ENGINE) private readonly engine: Engine) {}

  /** Counts, throughput, durations, per-step failure rates, stuck sagas and the dead-letter depth. */
  @Get()
  stats(@Query(new ZodValidationPipe(statsQuerySchema, 'query')) query: StatsQuery) {
    const since = query.since ?? new Date(Date.now() - 3_600_000);
    return this.engine.stats({ since, name: query.name ?? null });
  }
}
