import { BadRequestException, Controller, Get, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import { z } from 'zod';
import { migrationStatuses } from '#domain';
import { ProjectionQueries, userListFilter, type UserListRow } from '#projections';

const listQuery = userListFilter.extend({
  after: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  format: z.enum(['json', 'csv']).default('json'),
});

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
  @flagQuery('mfa_required', 'had MFA in Cognito')
  @flagQuery('mfa_reenrolled', 're-enrolled MFA in the target')
  @ApiQuery({ name: 'provider', required: false, description: 'Cognito linked this federated provider' })
  @flagQuery('provider_rebound', 'with `provider`: the link is re-bound in the target')
  @ApiQuery({ name: 'password_migrated_via', required: false, enum: ['jit', 'reset'] })
  @ApiQuery({ name: 'min_resets', required: false, type: Number })
  @ApiQuery({ name: 'search', required: false, description: 'username or e-mail prefix' })
  @ApiQuery({ name: 'after', required: false, description: '`nextCursor` of the previous page' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..1000, default 100' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: '`{ items, nextCursor }`; or the whole list as CSV, one row per user' })
  async list(@Query() raw: Record<string, string>, @Res() response: Response): Promise<void> {
    const parsed = listQuery.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new BadRequestException(`query parameter ${String(issue.path[0])}: ${issue.message}`);
    }
    const { after, limit, format, ...filter } = parsed.data;
    if (format === 'json') {
      response.json(await this.queries.users(filter, after ?? null, limit));
      return;
    }
    response.setHeader('content-type', 'text/csv; charset=utf-8');
    response.setHeader('content-disposition', 'attachment; filename="users.csv"');
    const csv = stringify({ header: true, cast: { date: (d) => d.toISOString(), boolean: (b) => String(b) } });
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
  async one(@Param('sub') sub: string) {
    const found = await this.queries.user(sub);
    if (!found) throw new NotFoundException(`no user with sub ${sub} in the projection`);
    return found;
  }
}

/** Arrays (providers, MFA methods) as `a|b`: one CSV cell each. */
function csvRow(row: UserListRow): UserListRow {
  const out: UserListRow = {};
  for (const [key, value] of Object.entries(row)) out[key] = Array.isArray(value) ? value.join('|') : value;
  return out;
}
