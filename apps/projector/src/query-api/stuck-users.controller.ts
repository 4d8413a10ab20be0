import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { StuckUserQueries, stuckKinds } from '#projections';
import { visibleUser, type Caller } from '../access/access-policy.js';
import { CallerOf } from '../access/access.guard.js';
import { parseParameters, stuckUserQuery } from './query-parameters.js';

@ApiTags('users')
@Controller('api/stuck-users')
export class StuckUsersController {
  constructor(@Inject(StuckUserQueries) private readonly queries: StuckUserQueries) {}

  @Get()
  @ApiOperation({
    summary:
      "Stuck and failed users, one page at a time: failed imports with the target's reason, facts sent to the " +
      'dead-letter topic with the reason; username and e-mail for migration-operator only',
  })
  @ApiQuery({ name: 'kind', required: false, enum: stuckKinds })
  @ApiQuery({ name: 'reason', required: false, description: 'the reason starts with this (≤ 256 characters)' })
  @ApiQuery({ name: 'after', required: false, description: '`nextCursor` of the previous page' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 25' })
  @ApiOkResponse({
    description:
      '`{ items: [{ kind, sub, ref, reason, since, factType, eventId, status, username, email }], nextCursor }`',
  })
  @ApiBadRequestResponse({ description: '`{ statusCode: 400, error, parameter, message }`: the first bad parameter' })
  async list(@Query() raw: unknown, @CallerOf() caller: Caller | null) {
    const { after, limit, ...filter } = parseParameters(stuckUserQuery, raw);
    const page = await this.queries.page(filter, after ?? null, limit);
    return { ...page, items: page.items.map((row) => visibleUser(row, caller)) };
  }
}
