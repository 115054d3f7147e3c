import { Controller, Get, Inject, Query } from '@nestjs/common';
import { type SagaStats, SagaStatsReader } from '../observability/saga-stats';
import { type StatsQuery, statsQuerySchema } from './dto';
import { ZodValidationPipe } from './zod-validation.pipe';
import { ReadAccess } from './auth/access';

@Controller('api/stats')
@ReadAccess()
export class StatsController {
  constructor(@Inject(SagaStatsReader) private readonly stats: SagaStatsReader) {}

  /** Counts, throughput, durations, per-step failure rates, stuck sagas, the dead-letter depth and retention. */
  @Get()
  read(@Query(new ZodValidationPipe(statsQuerySchema, 'query')) query: StatsQuery): Promise<SagaStats> {
    const since = query.since ?? new Date(Date.now() - 3_600_000);
    return this.stats.read({ since, name: query.name ?? null });
  }
}
