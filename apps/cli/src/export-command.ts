import { NestFactory } from '@nestjs/core';
import { setTimeout } from 'node:timers/promises';
import { Command, InvalidArgumentError } from 'commander';
import type { ConfigOf, Env, SectionName } from '#config';
import { ExporterModule, PoolExport, type ExportSummary } from '#exporter';
import type { CommandConfig } from './command-config.js';
import { commandLogger } from './command-logger.js';
import { TerminalProgress } from './terminal-progress.js';
import { untilStopped } from './stop-signal.js';

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
    .option(
      '--follow',
      'keep exporting: rescan the pool every 15 minutes (or --every), record what changed since the ledger last saw ' +
        'each user and the users confirmed gone (one AdminGetUser each); stop with Ctrl-C',
      false,
    )
    .option('--every <duration>', 'with --follow (implied): the time between rescans, e.g. 30s, 15m, 1h', parseDuration)
    .action(async (options: { totp: boolean; follow: boolean; every?: number }) => {
      const config = await commandConfig(env, exportSections);
      if (!options.follow && options.every === undefined) {
        process.stdout.write(formatExportSummary(await exportPool(config, options.totp)));
        return;
      }
      await followPool(config, options.totp, options.every ?? 15 * 60_000, (summary) =>
        process.stdout.write(formatExportSummary(summary)),
      );
    });
}

/**
 * `15m`, `30s`, `1h`, `500ms` or a combination (`1h30m`). Hand-written: four units are not worth
 * a dependency, and the error must name the option.
 */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  const total = parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * units[unit!]!, 0);
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text || total <= 0)
    throw new InvalidArgumentError(`--every: "${text}" is not a duration such as 30s, 15m or 1h`);
  return total;
}

/**
 * Change capture: one export run per cycle, each continuing the ledger scan of the one before and
 * confirming deletions, until Ctrl-C. A failing cycle (Cognito or Kafka unavailable) ends the command.
 */
export async function followPool(
  config: ExportConfig,
  totpLookup: boolean,
  everyMs: number,
  onCycle: (summary: ExportSummary) => void,
  signal?: AbortSignal,
): Promise<void> {
  const settings = { kafka: config.kafka, cognito: config.cognito, pool: config.pool, ...commandLogger(config.log) };
  const app = await NestFactory.createApplicationContext(ExporterModule.register(settings), { logger: ['error'] });
  try {
    await untilStopped(async (stop) => {
      const exporter = app.get(PoolExport);
      while (!stop.aborted) {
        onCycle(await exporter.run({ totpLookup, detectDeletions: true }));
        await setTimeout(everyMs, undefined, { signal: stop }).catch(() => undefined);
      }
    }, signal);
  } finally {
    await app.close();
  }
}

export async function exportPool(
  config: ExportConfig,
  totpLookup: boolean,
  options: { readonly detectDeletions?: boolean } = {},
): Promise<ExportSummary> {
  const settings = { kafka: config.kafka, cognito: config.cognito, pool: config.pool, ...commandLogger(config.log) };
  const app = await NestFactory.createApplicationContext(ExporterModule.register(settings), { logger: ['error'] });
  const progress = new TerminalProgress();
  try {
    return await app.get(PoolExport).run({
      totpLookup,
      ...(options.detectDeletions ? { detectDeletions: true } : {}),
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
    ...(summary.capture.suspects > 0 || summary.capture.changed > 0
      ? [
          `  changes      ${summary.capture.added} new, ${summary.capture.changed} changed, ${summary.capture.unchanged} unchanged; ` +
            `${summary.capture.suspects} not listed: ${summary.capture.deleted} confirmed deleted, ${summary.capture.kept} still there`,
        ]
      : []),
    `  API calls    ${calls} (${(Object.values(summary.apiCalls).reduce((a, b) => a + b, 0) / Math.max(1, summary.users)).toFixed(3)} per user)`,
    `  digest       ${summary.digest}`,
    `  took         ${(summary.durationMs / 1000).toFixed(1)} s`,
  ];
  return `${lines.join('\n')}\n`;
}
