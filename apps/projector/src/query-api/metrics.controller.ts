import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Registry } from 'prom-client';
import { Access } from '../access/access.guard.js';

/** The Prometheus registry that /metrics serves (prom-client's default one in the projector). */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

@ApiTags('metrics')
@Access('loopback')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  @ApiOperation({ summary: "The projector's and the process's metrics, in Prometheus' text format" })
  @ApiOkResponse({ description: 'projector_events_total, projector_lag, projector_batch_seconds, …' })
  async metrics(@Res({ passthrough: true }) response: Response): Promise<string> {
    response.header('Content-Type', this.registry.contentType);
    return this.registry.metrics();
  }
}
