import { pino } from 'pino';
import { ensurePasswordMigrationStorage, ensureSignInClient, KeycloakRealm } from '#keycloak';
import type { SyntheticPool } from '#stack';
import { startBridge, type BridgeRuntimeConfig, type MigrationUserDirectory } from '#bridge';
import { runLoginWave, type LoginWaveCounts, type WaveLogin } from './login-wave.js';

export interface DemoLoginWaveOptions {
  /** Default: the projector's table (PROJECTION_SCHEMA). */
  readonly users?: MigrationUserDirectory;
  /** The public client (standard flow, PKCE) users sign in to; created when missing. */
  readonly clientId?: string;
  readonly concurrency?: number;
}

/**
 * For `ledger demo`: starts a bridge for the pool (`config.pool`, the app client and Cognito
 * endpoint of `config`), points the realm's password-migration component at it, lets `logins`
 * sign in through Keycloak's login page with their Cognito passwords (authorization code with
 * PKCE, as a browser does) and stops the bridge again once Keycloak's store
 * confirmations have been recorded (at most 10 s after the last login).
 */
export async function runDemoLoginWave(
  settings: BridgeRuntimeConfig,
  logins: readonly WaveLogin[],
  options: DemoLoginWaveOptions = {},
): Promise<LoginWaveCounts> {
  const bridge = await startBridge(settings, {
    logger: pino({ level: 'warn' }),
    ...(options.users ? { users: options.users } : {}),
  });
  try {
    const config = settings.keycloak;
    const realm = new KeycloakRealm(config, settings.keycloakAdmin);
    const clientId = options.clientId ?? 'migration-demo';
    await ensurePasswordMigrationStorage(realm, {
      verifyUrl: `${bridge.url}/v1/verify`,
      sharedSecret: bridge.config.sharedSecret,
    });
    // The wave stops at the redirect URI with a code and exchanges it itself: nothing needs to listen there.
    const redirectUri = 'http://127.0.0.1/demo-login-wave/callback';
    await ensureSignInClient(realm, { clientId, redirectUris: [redirectUri] });
    const counts = await runLoginWave({
      client: { keycloakUrl: config.url, realm: config.realm, clientId, redirectUri },
      logins,
      concurrency: options.concurrency ?? 4,
    });
    // Keycloak confirms each store after its transaction, asynchronously: let those in flight land
    // before the bridge stops, so the ledger holds the wave's PasswordMigrated facts when this returns.
    await bridge.bridge.settled(10_000);
    return counts;
  } finally {
    await bridge.close();
  }
}

/**
 * A share (0..1) of the pool's users who have a password, taken evenly across the pool, with the
 * name they sign in with (their e-mail when the pool used it as username, as the importer does).
 */
export function waveLoginsOf(pool: SyntheticPool, share: number): WaveLogin[] {
  const byEmail = pool.usernameAttributes.includes('email');
  const candidates = pool.users.filter((u) => u.password !== null && (!byEmail || u.attributes.email));
  const step = Math.max(1, Math.round(1 / Math.min(1, Math.max(share, 1e-9))));
  return candidates
    .filter((_, i) => i % step === 0)
    .map((u) => ({ username: byEmail ? u.attributes.email! : u.username, password: u.password! }));
}
