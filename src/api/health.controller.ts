import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthCheck } from '../observability/health-check';
import { Public } from './auth/access';
import type { Liveness, Readiness } from './responses/health';

/** Probes for the platform: no key needed. */
@Controller('health')
@Public()
export class HealthController {
  constructor(@Inject(HealthCheck) private readonly health: HealthCheck) {}

  /** 200 only while both PostgreSQL and RabbitMQ answer; names each check. */
  @Get()
  check(@Res({ passthrough: true }) response: Response): Promise<Readiness> {
    return this.readiness(response);
  }

  /** The process answers: 200 as long as it can serve HTTP at all. A failing dependency is not a reason to restart. */
  @Get('live')
  live(): Liveness {
    return { status: 'ok' };
  }

  /** Whether to send traffic here: as /health, 503 naming the check that failed. */
  @Get('ready')
  ready(@Res({ passthrough: true }) response: Response): Promise<Readiness> {
    return this.readiness(response);
  }

  private async readiness(response: Response): Promise<Readiness> {
    const report = await this.health.check();
    const healthy = report.database && report.broker;
    response.status(healthy ? 200 : 503);
    return {
      status: healthy ? 'ok' : 'unavailable',
      checks: { postgres: report.database ? 'up' : 'down', rabbitmq: report.broker ? 'up' : 'down' },
    };
  }
}
