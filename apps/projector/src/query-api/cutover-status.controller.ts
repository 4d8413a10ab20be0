import { Controller, Get, Inject, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ReconcilerPolicy } from '#domain';
import { CutoverTimeline, type CutoverTarget } from '#projections';
import { noQuery, parseParameters } from './query-parameters.js';

/** Whose cutover the dashboard shows and the policy its criteria are measured against (the reconciler's). */
export interface CutoverSettings {
  readonly target: CutoverTarget;
  readonly policy: ReconcilerPolicy;
}

export const CUTOVER_SETTINGS = Symbol('CUTOVER_SETTINGS');

@ApiTags('cutover')
@Controller('api/cutover')
export class CutoverStatusController {
  constructor(
    @Inject(CutoverTimeline) private readonly timeline: CutoverTimeline,
    @Inject(CUTOVER_SETTINGS) private readonly settings: CutoverSettings | null,
  ) {}

  @Get('status')
  @ApiOperation({
    summary:
      'Every done criterion (value, threshold, met), the cutover phase, what blocks the next phase, the projected done ' +
      'date, and the timeline of phase changes (who decided, why, overrides): the evaluation `ledger status` makes',
  })
  @ApiOkResponse({
    description:
      '`{ target, cutover, measured, criteria, readiness, projectedDoneAt, timeline }`; `readiness.blocking` lists the ' +
      'unmet criteria the current phase needs',
  })
  status(@Query() query: unknown) {
    parseParameters(noQuery, query);
    if (this.settings === null)
      throw new ServiceUnavailableException('this projector was started without a cutover target');
    return this.timeline.status(this.settings.target, this.settings.policy, new Date());
  }
}
