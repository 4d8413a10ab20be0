import { Command } from 'commander';
import type { Env } from '#config';
import { ensureDashboardAccess, KeycloakRealm } from '#keycloak';
import {
  formatCompletion,
  formatRunSummary,
  projectorPublicUrl,
  projectorSections,
  projectorServeSections,
  projectUntilCaughtUp,
  serveProjector,
} from '#projector';
import { loadPolicy } from '#reconciler';
import type { CommandConfig } from './command-config.js';
import { stopRequested } from './stop-signal.js';

/**
 * `ledger project`: the projector, once up to what the ledger holds, or following it with the
 * dashboard and the query API. With `--configure-keycloak` the dashboard's client and roles are
 * first made in the realm KEYCLOAK_REALM (the administrator's credentials are needed for that only).
 */
export function projectCommand(env: Env, commandConfig: CommandConfig): Command {
  return new Command('project')
    .description(
      "Project the ledger into PostgreSQL (schema PROJECTION_SCHEMA): each user's migration state, id translation, " +
        'completion counters and burn-down. Resumes from the offsets stored with the projections.',
    )
    .option(
      '--follow',
      'keep projecting new facts and serve the dashboard, the query API, health and /metrics on PROJECTOR_HOST:PROJECTOR_PORT (stop with Ctrl-C)',
      false,
    )
    .option(
      '--configure-keycloak',
      'with --follow: create or update the dashboard client (DASHBOARD_CLIENT_ID) and the roles migration-viewer and migration-operator in KEYCLOAK_REALM',
      false,
    )
    .action(async (options: { follow: boolean; configureKeycloak: boolean }) => {
      if (!options.follow) {
        if (options.configureKeycloak) throw new Error('--configure-keycloak needs --follow');
        const report = await projectUntilCaughtUp(await commandConfig(env, projectorSections));
        process.stdout.write(formatRunSummary(report.run));
        process.stdout.write(formatCompletion(report.metrics));
        return;
      }
      const config = await commandConfig(env, projectorServeSections);
      if (options.configureKeycloak) {
        const { keycloakAdmin } = await commandConfig(env, ['keycloakAdmin']);
        const publicUrl = projectorPublicUrl(config);
        const realm = new KeycloakRealm(config.keycloak, keycloakAdmin);
        await ensureDashboardAccess(realm, {
          clientId: config.dashboard.clientId,
          redirectUris: [`${publicUrl}/dashboard/callback`],
          postLogoutRedirectUris: [`${publicUrl}/dashboard`],
        });
        process.stdout.write(
          `realm ${realm.name}: client ${config.dashboard.clientId}, roles migration-viewer and migration-operator ready\n`,
        );
      }
      // The dashboard measures "done" against the reconciler's policy (RECONCILER_POLICY_FILE), as `ledger status` does.
      const { reconciler } = await commandConfig(env, ['reconciler']);
      const server = await serveProjector(config, { policy: await loadPolicy(reconciler.policyFile) });
      process.stdout.write(
        `Projecting; dashboard on ${server.url}/dashboard, query API on ${server.url}/api, OpenAPI on ${server.url}/docs` +
          (config.dashboard.access === 'open' ? ' (DASHBOARD_ACCESS=open: no sign-in)' : '') +
          '\n',
      );
      await stopRequested();
      await server.close();
    });
}
