import { Controller, Get, Inject, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ResetPipelineQueries } from '#projections';
import { CUTOVER_SETTINGS, type CutoverSettings } from './cutover-status.controller.js';
import { noQuery, parseParameters } from './query-parameters.js';

@ApiTags('resets')
@Controller('api/resets')
export class ResetPipelineController {
  constructor(
    @Inject(ResetPipelineQueries) private readonly queries: ResetPipelineQueries,
    @Inject(CUTOVER_SETTINGS) private readonly settings: CutoverSettings | null,
  ) {}

  @Get('pipeline')
  @ApiOperation({
    summary:
      "The long tail: resets due now (the reconciler's plan under its policy), sent, completed, skipped by reason; " +
      'bounces are not recorded in the ledger',
  })
  @ApiOkResponse({
    description:
      '`{ due: { users, disabledInCognito }, sent: { attempts, users, awaiting }, completed, ' +
      'skipped: [{ reason, attempts, users }], bounces: { recorded: false, count: null }, at }`',
  })
  @ApiBadRequestResponse({ description: '`{ statusCode: 400, error, parameter, message }`' })
  pipeline(@Query() query: unknown) {
    parseParameters(noQuery, query);
    if (this.settings === null)
      throw new ServiceUnavailableException('this projector was started without a cutover target');
    return this.queries.pipeline(this.settings.policy, new Date());
  }
}
