import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../access/access.guard.js';
import { ApiIndex } from './api-index.js';
import { noQuery, parseParameters } from './query-parameters.js';

@ApiTags('index')
@Access('open')
@Controller('api')
export class ApiIndexController {
  constructor(@Inject(ApiIndex) private readonly index: ApiIndex) {}

  @Get()
  @ApiOperation({ summary: 'This index: every route with its summary, and where the OpenAPI document is' })
  @ApiOkResponse({ description: '`{ title, docs, openapi, endpoints: [{ method, path, summary }] }`' })
  list(@Query() query: unknown) {
    parseParameters(noQuery, query);
    return {
      title: 'Cognito Migration Ledger: projections',
      docs: '/docs',
      openapi: '/docs-json',
      endpoints: this.index.list(),
    };
  }
}
