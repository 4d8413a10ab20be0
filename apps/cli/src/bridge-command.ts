import { Command } from 'commander';
import type { Env } from '#config';
import { bridgeSections, startBridge } from '#bridge';
import { ensurePasswordMigrationStorage, KeycloakRealm } from '#keycloak';
import type { CommandConfig } from './command-config.js';
import { stopRequested } from './stop-signal.js';

/**
 * `ledger bridge`: serves the JIT password bridge until SIGINT/SIGTERM. With `--configure-keycloak`
 * the password-migration component of the realm KEYCLOAK_REALM (which the importer links imported
 * users to) is first pointed at it; Keycloak must run with the provider from
 * infra/keycloak-provider (`ledger stack up` deploys it).
 */
export function bridgeCommand(env: Env, commandConfig: CommandConfig): Command {
  return new Command('bridge')
    .description('serve the JIT password bridge (docs/bridge.md) until interrupted')
    .option(
      '--configure-keycloak',
      "point the Keycloak realm's password-migration component (every sign-in flow) at this bridge",
      false,
    )
    .option('--public-url <url>', 'the bridge URL as Keycloak reaches it (default: where it listens)')
    .action(async (options: { configureKeycloak: boolean; publicUrl?: string }) => {
      const config = await commandConfig(env, bridgeSections);
      const running = await startBridge(config);
      try {
        if (options.configureKeycloak) {
          const realm = new KeycloakRealm(config.keycloak, config.keycloakAdmin);
          await ensurePasswordMigrationStorage(realm, {
            verifyUrl: `${(options.publicUrl ?? running.url).replace(/\/+$/, '')}/v1/verify`,
            sharedSecret: running.config.sharedSecret,
          });
          process.stdout.write(
            `realm ${realm.name}: every sign-in of a user imported from Cognito now checks the password through the bridge\n`,
          );
        }
        process.stdout.write(`bridge listening on ${running.url} (Ctrl-C stops it)\n`);
        await stopRequested();
      } finally {
        await running.close();
      }
    });
}
