import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthCheck } from '../observability/health-check';
import { Public } from './auth/access';

@Controller('health')
@Public()
export class HealthController {
  constructor(@Inject(HealthCheck) private readonly health: HealthCheck) {}

  /** 200 only while both PostgreSQL and RabbitMQ answer; names each check. */
  @Get()
  async check(@Res({ passthrough: true }) response: Response) {
    const report = await this.health.check();
    const healthy = report.database && report.broker;
    response.status(healthy ? 200 : 503);
    return {
      status: healthy ? 'ok' : 'unavailable',
      checks: { postgres: report.database ? 'up' : 'down', rabbitmq: report.broker ? 'up' : 'down' },
    };
  }
}
