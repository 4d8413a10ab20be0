import { Command } from 'commander';
import type { Env } from '#config';
import { ensureSignInClient, KeycloakRealm } from '#keycloak';
import { startSignInApp } from '#sign-in-app';
import type { CommandConfig } from './command-config.js';
import { stopRequested } from './stop-signal.js';

/**
 * `ledger sign-in-app`: the demo's application that signs users in through Keycloak's real login
 * page (realm KEYCLOAK_REALM), so a user imported from Cognito can be seen migrating at their
 * first sign-in. The client (SIGN_IN_APP_CLIENT_ID) is created or pointed at this app's callback.
 */
export function signInAppCommand(env: Env, commandConfig: CommandConfig): Command {
  return new Command('sign-in-app')
    .description("serve a small application that signs in through Keycloak's login page, until interrupted")
    .action(async () => {
      const config = await commandConfig(env, ['keycloak', 'keycloakAdmin', 'signInApp']);
      const { keycloak, signInApp: settings } = config;
      const realm = new KeycloakRealm(keycloak, config.keycloakAdmin);
      // The client must exist before Keycloak accepts the app's authorization requests, and its
      // redirect URI is only known once the app listens (SIGN_IN_APP_PORT may be 0).
      const app = await startSignInApp({
        keycloakUrl: keycloak.url,
        realm: keycloak.realm,
        clientId: settings.clientId,
        port: settings.port,
        host: settings.host,
      });
      try {
        await ensureSignInClient(realm, { clientId: settings.clientId, redirectUris: [app.redirectUri] });
        process.stdout.write(
          `sign-in app for realm ${keycloak.realm} (client ${settings.clientId}) on ${app.url} (Ctrl-C stops it)\n`,
        );
        await stopRequested();
      } finally {
        await app.close();
      }
    });
}
