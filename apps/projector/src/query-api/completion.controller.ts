import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProjectionQueries } from '#projections';
import { noQuery, parseParameters } from './query-parameters.js';

@ApiTags('metrics')
@Controller('api/metrics')
export class CompletionController {
  constructor(@Inject(ProjectionQueries) private readonly queries: ProjectionQueries) {}

  @Get('completion')
  @ApiOperation({
    summary:
      'Counts by status, % migrated of all and of active (enabled) users, MFA and per-provider federation progress, resets sent',
  })
  @ApiOkResponse({ description: 'the same numbers as the SQL view `completion_metrics` and `federation_progress`' })
  completion(@Query() query: unknown) {
    parseParameters(noQuery, query);
    return this.queries.completion();
  }

  @Get('burn-down')
  @ApiOperation({ summary: 'Per day (UTC): users exported, imported, migrated, and the running totals' })
  @ApiOkResponse({ description: 'the same rows as the SQL view `burn_down`' })
  burnDown(@Query() query: unknown) {
    parseParameters(noQuery, query);
    return this.queries.burnDown();
  }
}
