import { Controller, Get, Inject, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RouteBurnDownQueries } from '#projections';
import { CUTOVER_SETTINGS, type CutoverSettings } from './cutover-status.controller.js';
import { noQuery, parseParameters } from './query-parameters.js';

@ApiTags('metrics')
@Controller('api/metrics')
export class RouteBurnDownController {
  constructor(
    @Inject(RouteBurnDownQueries) private readonly queries: RouteBurnDownQueries,
    @Inject(CUTOVER_SETTINGS) private readonly settings: CutoverSettings | null,
  ) {}

  @Get('burn-down/by-route')
  @ApiOperation({
    summary:
      'Per day (UTC): users exported and users migrated by JIT, by reset and by federation, the running totals and the ' +
      'users not migrated yet; with the projected done date and the figures it rests on',
  })
  @ApiOkResponse({
    description:
      '`{ days: [{ day, exported, jit, reset, federation, exportedTotal, jitTotal, resetTotal, federationTotal, ' +
      'notYetMigrated }], projection: { projectedDoneAt, basis, active, activeMigrated, thresholdShare, needed, ' +
      'windowDays, migratedInWindow, perDay } }`',
  })
  @ApiBadRequestResponse({ description: '`{ statusCode: 400, error, parameter, message }`' })
  byRoute(@Query() query: unknown) {
    parseParameters(noQuery, query);
    // The projection is measured against the reconciler's policy, which comes with the cutover target.
    if (this.settings === null)
      throw new ServiceUnavailableException('this projector was started without a cutover target');
    return this.queries.burnDown(this.settings.policy, new Date());
  }
}
