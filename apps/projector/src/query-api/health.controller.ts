import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { Access } from '../access/access.guard.js';
import { ledgerReadiness } from '../ledger-readiness.js';
import { Projector } from '../projector.js';

/** The lag above which the projector reports itself not ready (PROJECTOR_READY_MAX_LAG). */
export const READY_MAX_LAG = Symbol('READY_MAX_LAG');

@ApiTags('health')
// Open to this machine (probes, a local Prometheus); from elsewhere a viewer's token.
@Access('loopback')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Projector) private readonly projector: Projector,
    @Inject(READY_MAX_LAG) private readonly maxLag: number,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'The process answers' })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary:
      'PostgreSQL answers, Kafka reports each partition, and at most PROJECTOR_READY_MAX_LAG facts wait; lag per partition in `details`',
  })
  ready() {
    return this.health.check([
      () =>
        this.indicators
          .check('database')
          .attempt(async () => {
            await this.dataSource.query('select 1');
            return {};
          })
          .withTimeout(2000),
      () =>
        this.indicators
          .check('ledger')
          .attempt(async () => ({ ...ledgerReadiness(await this.projector.lag(), this.maxLag) }))
          .withTimeout(5000),
    ]);
  }
}
