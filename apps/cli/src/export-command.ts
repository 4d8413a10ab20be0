import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import type { ConfigOf, Env, SectionName } from '#config';
import { ExporterModule, PoolExport, type ExportSummary } from '#exporter';
import type { CommandConfig } from './command-config.js';
import { commandLogger } from './command-logger.js';
import { TerminalProgress } from './terminal-progress.js';

/** The settings `ledger export` uses. */
export const exportSections = ['kafka', 'cognito', 'pool'] as const satisfies readonly SectionName[];
export type ExportConfig = ConfigOf<(typeof exportSections)[number]>;

export function exportCommand(env: Env, commandConfig: CommandConfig): Command {
  return new Command('export')
    .description(
      'Export every user of the Cognito pool (COGNITO_USER_POOL_ID) into the ledger as UserExported events. ' +
        'Safe to re-run: a crashed run is continued and unchanged users are not written twice.',
    )
    .option(
      '--totp',
      'also call AdminGetUser per user to learn TOTP enrolment. Costs one UserRead request per user and makes ' +
        'every user a billable monthly active user in Cognito.',
      false,
    )
    .action(async (options: { totp: boolean }) => {
      const summary = await exportPool(await commandConfig(env, exportSections), options.totp);
      process.stdout.write(formatExportSummary(summary));
    });
}

export async function exportPool(config: ExportConfig, totpLookup: boolean): Promise<ExportSummary> {
  const settings = { kafka: config.kafka, cognito: config.cognito, pool: config.pool, ...commandLogger(config.log) };
  const app = await NestFactory.createApplicationContext(ExporterModule.register(settings), { logger: ['error'] });
  const progress = new TerminalProgress();
  try {
    return await app.get(PoolExport).run({
      totpLookup,
      onProgress: ({ phase, done, total }) =>
        progress.update(
          phase,
          done,
          total,
          phase === 'ledger' ? 'records read' : phase === 'groups' ? 'groups' : 'users',
        ),
    });
  } finally {
    progress.stop();
    await app.close();
  }
}

export function formatExportSummary(summary: ExportSummary): string {
  const statuses = Object.entries(summary.byStatus)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');
  const calls = Object.entries(summary.apiCalls)
    .map(([operation, count]) => `${operation} ${count}`)
    .join(', ');
  const lines = [
    `Export ${summary.resumed ? 'resumed and completed' : 'completed'}: pool ${summary.poolId}, run ${summary.runId}`,
    `  users        ${summary.users} (${summary.published} new facts, ${summary.alreadyInLedger} already in the ledger)`,
    `  groups       ${summary.groups}`,
    `  by status    ${statuses || '-'}`,
    `  disabled     ${summary.disabled}`,
    `  anomalies    ${summary.withAnomalies} users with odd data (see their UserExported.anomalies)`,
    `  rejected     ${summary.rejected.length}${summary.rejected.map((r) => `\n    ${r.username}: ${r.problem}`).join('')}`,
    `  API calls    ${calls} (${(Object.values(summary.apiCalls).reduce((a, b) => a + b, 0) / Math.max(1, summary.users)).toFixed(3)} per user)`,
    `  digest       ${summary.digest}`,
    `  took         ${(summary.durationMs / 1000).toFixed(1)} s`,
  ];
  return `${lines.join('\n')}\n`;
}
