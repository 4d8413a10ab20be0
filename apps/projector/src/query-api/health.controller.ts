import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { Projector } from '../projector.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Projector) private readonly projector: Projector,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'The process answers' })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'PostgreSQL answers and Kafka reports each partition; lag per partition in `details`' })
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
          .attempt(async () => {
            const partitions = await this.projector.lag();
            return { lag: partitions.reduce((sum, p) => sum + p.lag, 0), partitions };
          })
          .withTimeout(5000),
    ]);
  }
}
