import { Controller, Get, Inject, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiOkResponse, ApiOperation, ApiTags, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { MigrationStatusReader } from './migration-status-reader.js';

@ApiTags('cutover')
@Controller('api/cutover')
class CutoverStatusController {
  constructor(@Inject(MigrationStatusReader) private readonly status: MigrationStatusReader) {}

  @Get('status')
  @ApiOperation({
    summary:
      'Every done criterion (value, threshold, met), the current cutover phase and its last decision, what blocks the ' +
      'next phase, and the projected date to done at the current migration rate: what `ledger status --json` prints',
  })
  @ApiOkResponse({ description: 'the criteria report' })
  criteria() {
    return this.status.criteria(new Date());
  }

  @Get('rollback-report')
  @ApiOperation({
    summary: 'The users whose state would need attention if the team went back to Cognito (refused once retired)',
  })
  @ApiOkResponse({ description: 'what `ledger status --rollback --json` prints' })
  rollbackReport() {
    return this.status.rollbackReport();
  }
}

@Module({})
class CutoverStatusModule {
  static register(status: MigrationStatusReader): DynamicModule {
    return {
      module: CutoverStatusModule,
      controllers: [CutoverStatusController],
      providers: [{ provide: MigrationStatusReader, useValue: status }],
    };
  }
}

/** Serves the read-only cutover status over HTTP (OpenAPI at /docs). */
export async function serveCutoverStatus(
  status: MigrationStatusReader,
  listen: { host: string; port: number },
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = await NestFactory.create(CutoverStatusModule.register(status), { logger: ['error', 'warn'] });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Cognito Migration Ledger: cutover status')
      .setDescription('The done criteria, the cutover phase and the rollback report, read-only')
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  await app.listen(listen.port, listen.host);
  const address = app.getHttpServer().address() as { port: number };
  return { url: `http://${listen.host}:${address.port}`, close: () => app.close() };
}
