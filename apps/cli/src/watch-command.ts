import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import type { Env } from '#config';
import {
  TargetWatch,
  WatcherModule,
  watcherSections,
  watcherSettingsOf,
  type WatcherRuntimeConfig,
  type WatchReport,
} from '#watcher';
import type { CommandConfig } from './command-config.js';
import { untilStopped } from './stop-signal.js';

export function watchCommand(env: Env, commandConfig: CommandConfig): Command {
  return new Command('watch')
    .description(
      'Learn from Keycloak (realm KEYCLOAK_REALM) what imported users did there: TOTP enrolled again, ' +
        'identity provider linked at first login, new password chosen, a JIT store whose confirmation was lost; ' +
        'record MfaReenrolled / FederationRebound / PasswordMigrated (via reset, or jit) once each. Follows the realm user events from a cursor kept in PostgreSQL, ' +
        'then reconciles by reading the pending users directly.',
    )
    .option(
      '--follow',
      'keep polling (WATCHER_POLL_INTERVAL_MS) and reconcile every WATCHER_RECONCILE_INTERVAL_MS; stop with Ctrl-C',
      false,
    )
    .option('--no-reconcile', 'only follow the events; skip reading the pending users directly')
    .action(async (options: { follow: boolean; reconcile: boolean }) => {
      const report = await watchTarget(await commandConfig(env, watcherSections), {
        follow: options.follow,
        reconcile: options.reconcile,
      });
      process.stdout.write(formatWatchReport(report));
    });
}

export async function watchTarget(
  config: WatcherRuntimeConfig,
  options: { follow: boolean; reconcile: boolean; signal?: AbortSignal },
): Promise<WatchReport> {
  const settings = watcherSettingsOf(config);
  const app = await NestFactory.createApplicationContext(WatcherModule.register(settings), { logger: ['error'] });
  try {
    return await untilStopped(
      (signal) =>
        app.get(TargetWatch).run({
          follow: options.follow,
          reconcile: options.reconcile,
          pollIntervalMs: settings.watcher.pollIntervalMs,
          reconcileIntervalMs: settings.watcher.reconcileIntervalMs,
          signal,
        }),
      options.signal,
    );
  } finally {
    await app.close();
  }
}

export function formatWatchReport(report: WatchReport): string {
  const lines = [
    `Watch of Keycloak realm ${report.realm}: ${report.eventsRead} new events read (${report.adminEventsRead} admin), ${report.usersWatched} imported users in the ledger`,
    `  MfaReenrolled      ${report.emitted.MfaReenrolled}`,
    `  FederationRebound  ${report.emitted.FederationRebound} (first-login)`,
    `  PasswordMigrated   ${report.emitted.PasswordMigrated} (via reset, or jit whose confirmation was lost)`,
    `  born in target     ${report.bornInTarget} (registered, or created by an administrator, without cognito_sub)`,
    `  found by           ${report.fromEvents} events, ${report.fromReconciliation} reconciliation (${report.reconciliationPasses} passes over ${report.usersReconciled} pending users)`,
    `  ledger vs target   ${report.usersCompared} users compared: ${report.disagreementsFound} disagreements recorded, ` +
      `${report.disagreementsResolved} resolved, ${report.openDisagreements ?? 'not compared'} open`,
    `  took               ${(report.durationMs / 1000).toFixed(1)} s`,
  ];
  return `${lines.join('\n')}\n`;
}
