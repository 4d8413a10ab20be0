import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Projector } from '../projector.js';
import { noQuery, parseParameters } from './query-parameters.js';

@ApiTags('metrics')
@Controller('api/projector')
export class ProjectorLagController {
  constructor(@Inject(Projector) private readonly projector: Projector) {}

  @Get('lag')
  @ApiOperation({ summary: 'How far behind the ledger the projections are: facts waiting, in all and per partition' })
  @ApiOkResponse({ description: '`{ lag, partitions: [{ topic, partition, next, end, lag }], at }`' })
  async lag(@Query() query: unknown) {
    parseParameters(noQuery, query);
    const partitions = await this.projector.lag();
    return { lag: partitions.reduce((sum, p) => sum + p.lag, 0), partitions, at: new Date().toISOString() };
  }
}
