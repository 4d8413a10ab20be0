import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CohortQueries } from '#projections';
import { noQuery, parseParameters } from './query-parameters.js';

@ApiTags('metrics')
@Controller('api/metrics')
export class CohortsController {
  constructor(@Inject(CohortQueries) private readonly queries: CohortQueries) {}

  @Get('cohorts')
  @ApiOperation({
    summary:
      'Users and migrated users by Cognito status, by MFA (not required / needs re-enrolment / re-enrolled), by identity ' +
      "provider (rebound / not rebound yet) and by import outcome (the target's reason for failures)",
  })
  @ApiOkResponse({ description: '`[{ kind, value, users, migrated }]`, ordered by kind, then users descending' })
  cohorts(@Query() query: unknown) {
    parseParameters(noQuery, query);
    return this.queries.cohorts();
  }
}
