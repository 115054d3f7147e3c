import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Engine } from '../app/engine';
import { ENGINE } from './tokens';
import { Public } from './auth/access';

/** Prometheus exposition; open like /health (CONTRACT §5). */
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(@Inject(ENGINE) private readonly engine: Engine) {}

  @Get()
  async scrape(@Res() response: Response): Promise<void> {
    const { registry } = this.engine.metrics;
    response.setHeader('content-type', registry.contentType);
    response.send(await registry.metrics());
  }
}
