import { Controller, ForbiddenException, Get, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import { migrationStatuses } from '#domain';
import { dashboardRoles } from '#keycloak';
import { ProjectionQueries, userListColumns, type UserListRow } from '#projections';
import { isOperator, visibleFact, visibleUser, type Caller } from '../access/access-policy.js';
import { CallerOf } from '../access/access.guard.js';
import { noQuery, parseParameters, subParameter, userListQuery } from './query-parameters.js';

const flagQuery = (name: string, description: string) =>
  ApiQuery({ name, required: false, enum: ['true', 'false'], description });

@ApiTags('users')
@Controller('api/users')
export class UsersController {
  constructor(@Inject(ProjectionQueries) private readonly queries: ProjectionQueries) {}

  @Get()
  @ApiOperation({
    summary: 'A filtered list of users in `sub` order, one page at a time, or all of it as CSV (`format=csv`)',
  })
  @ApiQuery({ name: 'status', required: false, enum: migrationStatuses })
  @flagQuery('active', 'enabled in Cognito')
  @flagQuery('mfaRequired', 'had MFA in Cognito')
  @flagQuery('mfaReenrolled', 're-enrolled MFA in the target')
  @ApiQuery({ name: 'provider', required: false, description: 'Cognito linked this federated provider' })
  @flagQuery('providerRebound', 'with `provider`: the link is re-bound in the target')
  @ApiQuery({ name: 'passwordMigratedVia', required: false, enum: ['jit', 'reset'] })
  @ApiQuery({ name: 'minResets', required: false, type: Number, description: '0..1000' })
  @ApiQuery({ name: 'search', required: false, description: 'username or e-mail prefix (≤ 256 characters)' })
  @ApiQuery({ name: 'after', required: false, description: '`nextCursor` of the previous page' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..1000, default 100' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: '`{ items, nextCursor }`; or the whole list as CSV, one row per user' })
  @ApiBadRequestResponse({ description: '`{ statusCode: 400, error, parameter, message }`: the first bad parameter' })
  async list(@Query() raw: unknown, @CallerOf() caller: Caller | null, @Res() response: Response): Promise<void> {
    const { after, limit, format, ...filter } = parseParameters(userListQuery, raw);
    // Personal data: an export of it, and a search by it, are the operator's.
    if (format === 'csv') requireOperator(caller, 'format=csv');
    if (filter.search !== undefined) requireOperator(caller, 'search');
    if (format === 'json') {
      const page = await this.queries.users(filter, after ?? null, limit);
      response.json({ ...page, items: page.items.map((row) => visibleUser(row, caller)) });
      return;
    }
    response.setHeader('content-type', 'text/csv; charset=utf-8');
    response.setHeader('content-disposition', 'attachment; filename="users.csv"');
    const csv = stringify({
      header: true,
      columns: [...userListColumns],
      cast: { date: (d) => d.toISOString(), boolean: (b) => String(b) },
    });
    csv.pipe(response);
    for await (const page of this.queries.allUsers(filter)) {
      for (const row of page) {
        if (!csv.write(csvRow(row))) await new Promise((resolve) => csv.once('drain', resolve));
      }
    }
    csv.end();
  }

  @Get(':sub')
  @ApiOperation({ summary: "A user's migration state and every fact about them, in ledger order" })
  @ApiParam({ name: 'sub', description: 'the Cognito sub' })
  @ApiOkResponse({ description: '`{ user, history }`' })
  @ApiBadRequestResponse({ description: '`{ statusCode: 400, error, parameter, message }`' })
  async one(@Param() params: unknown, @Query() query: unknown, @CallerOf() caller: Caller | null) {
    parseParameters(noQuery, query);
    const { sub } = parseParameters(subParameter, params);
    const found = await this.queries.user(sub);
    if (!found) throw new NotFoundException(`no user with sub ${sub} in the projection`);
    return { user: visibleUser(found.user, caller), history: found.history.map((fact) => visibleFact(fact, caller)) };
  }
}

function requireOperator(caller: Caller | null, what: string): void {
  if (!isOperator(caller))
    throw new ForbiddenException({
      statusCode: 403,
      error: 'Forbidden',
      message: `${what} requires the realm role ${dashboardRoles.operator}`,
    });
}

/** Arrays (providers, MFA methods) as `a|b`: one CSV cell each. */
function csvRow(row: UserListRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = Array.isArray(value) ? value.join('|') : value;
  return out;
}
