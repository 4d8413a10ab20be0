import { readFile } from 'node:fs/promises';
import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import { ConfigError, type ConfigOf, type Env, type SectionName } from '#config';
import { ImporterModule, ImportRun, type ImportReport } from '#importer';
import type { IdentityProviderRepresentation } from '#keycloak';
import type { CommandConfig } from './command-config.js';
import { commandLogger } from './command-logger.js';
import { TerminalProgress } from './terminal-progress.js';
import { untilStopped } from './stop-signal.js';

/** The settings `ledger import` uses. */
export const importSections = [
  'kafka',
  'keycloak',
  'keycloakAdmin',
  'importer',
] as const satisfies readonly SectionName[];
export type ImportConfig = ConfigOf<(typeof importSections)[number]>;

export function importCommand(env: Env, commandConfig: CommandConfig): Command {
  return new Command('import')
    .description(
      'Import every exported user of the ledger into Keycloak (KEYCLOAK_URL, realm KEYCLOAK_REALM) in batches, ' +
        'and record UserImported / UserImportRevised / UserImportFailed / FederationRebound for each. ' +
        'Safe to re-run (under any group) and to interrupt: users the ledger records as imported are left alone.',
    )
    .option('--follow', 'keep running and import users as new UserExported facts arrive (stop with Ctrl-C)', false)
    .option(
      '--group <id>',
      'Kafka consumer group that remembers where reading resumes (whether a user is imported is read from the ledger)',
      'importer',
    )
    .action(async (options: { follow: boolean; group: string }) => {
      const report = await importUsers(await commandConfig(env, importSections), {
        follow: options.follow,
        groupId: options.group,
      });
      process.stdout.write(formatImportReport(report));
    });
}

export async function importUsers(
  config: ImportConfig,
  options: { follow: boolean; groupId: string },
): Promise<ImportReport> {
  const settings = {
    kafka: config.kafka,
    keycloak: config.keycloak,
    importer: config.importer,
    admin: config.keycloakAdmin,
    ...commandLogger(config.log),
  };
  const identityProviders = await readIdentityProviders(settings.importer.identityProvidersFile);
  const app = await NestFactory.createApplicationContext(ImporterModule.register(settings), { logger: ['error'] });
  const progress = new TerminalProgress();
  try {
    return await untilStopped((signal) =>
      app.get(ImportRun).run({
        groupId: options.groupId,
        follow: options.follow,
        identityProviders,
        signal,
        onProgress: ({ records, totalRecords }) =>
          progress.update('import', records, options.follow ? null : totalRecords, 'ledger records'),
      }),
    );
  } finally {
    progress.stop();
    await app.close();
  }
}

async function readIdentityProviders(file: string | undefined): Promise<IdentityProviderRepresentation[]> {
  if (file === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.every((p) => typeof p === 'object' && p !== null && typeof (p as { alias?: unknown }).alias === 'string')
    ) {
      return parsed as IdentityProviderRepresentation[];
    }
    throw new Error('not a JSON array of identity providers with an "alias" each');
  } catch (error) {
    throw new ConfigError('IMPORT_IDENTITY_PROVIDERS_FILE', `${file}: ${(error as Error).message}`);
  }
}

export function formatImportReport(report: ImportReport): string {
  const seconds = report.durationMs / 1000;
  const lines = [
    `Import into Keycloak realm ${report.realm}: ${report.users} users settled`,
    `  already imported ${report.alreadyImported} (recorded in the ledger with this outcome: nothing written, nothing recorded)`,
    `  created      ${report.created}`,
    `  matched      ${report.matched} (already in Keycloak by username or e-mail; marked with cognito_sub)`,
    `  revised      ${report.revised} (outcome changed by a later export: applied to Keycloak, one UserImportRevised each)`,
    `  failed       ${report.failed} (each a UserImportFailed fact with Keycloak's reason)`,
    `  updated      ${report.updated} Cognito changes applied to Keycloak (one UserUpdatedInTarget each)` +
      (report.syncFailed > 0 ? `, ${report.syncFailed} refused by Keycloak (tried again next run)` : ''),
    `  rejected     ${report.rejected} Cognito changes kept out: writes moved to the target (one SourceChangeRejected each)`,
    `  links        ${report.links} federated identities pre-linked`,
    `  groups       ${report.groupsCreated} created`,
    `  requests     ${report.partialImportRequests} partialImport, ${report.keycloakRetries} retries while Keycloak was unavailable`,
    `  took         ${seconds.toFixed(1)} s (${Math.round(report.users / Math.max(seconds, 0.001))} users/s)`,
  ];
  return `${lines.join('\n')}\n`;
}
