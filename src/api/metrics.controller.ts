import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EngineMetrics } from '../observability/engine-metrics';
import { Public } from './auth/access';

/** Prometheus exposition; open like /health (docs/rest-api.md#authentication). */
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(@Inject(EngineMetrics) private readonly metrics: EngineMetrics) {}

  @Get()
  async scrape(@Res() response: Response): Promise<void> {
    const { registry } = this.metrics;
    response.setHeader('content-type', registry.contentType);
    response.send(await registry.metrics());
  }
}
