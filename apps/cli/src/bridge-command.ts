import { Command } from 'commander';
import { keycloakConfig } from '#config';
import { installJitDirectGrantFlow, startBridge } from '#bridge';
import { KeycloakRealm } from '#keycloak';
import { keycloakAdminLogin } from '#stack';
import { stopRequested } from './stop-signal.js';

/**
 * `ledger bridge`: serves the JIT password bridge until SIGINT/SIGTERM. With `--install-flow`
 * the realm KEYCLOAK_REALM is first set to ask it (direct grant) for users imported without a
 * password; Keycloak must run with the provider from infra/keycloak-provider (`ledger stack up`).
 */
export function bridgeCommand(): Command {
  return new Command('bridge')
    .description('serve the JIT password bridge (docs/bridge.md) until interrupted')
    .option('--install-flow', "set the Keycloak realm's direct grant flow to call this bridge", false)
    .option('--public-url <url>', 'the bridge URL as Keycloak reaches it (default: where it listens)')
    .action(async (options: { installFlow: boolean; publicUrl?: string }) => {
      const running = await startBridge(process.env);
      try {
        if (options.installFlow) {
          const env = process.env;
          const realm = new KeycloakRealm(keycloakConfig(env), await keycloakAdminLogin(env));
          await installJitDirectGrantFlow(realm, {
            verifyUrl: `${(options.publicUrl ?? running.url).replace(/\/+$/, '')}/v1/verify`,
            sharedSecret: running.config.sharedSecret,
          });
          process.stdout.write(`realm ${realm.name}: direct grant now migrates passwords through the bridge\n`);
        }
        process.stdout.write(`bridge listening on ${running.url} (Ctrl-C stops it)\n`);
        await stopRequested();
      } finally {
        await running.close();
      }
    });
}
