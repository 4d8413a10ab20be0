import { pino, type Logger } from 'pino';
import type { BridgeConfig, ConfigOf, SectionName } from '#config';
import { createCognitoClient } from '#cognito';
import { KeycloakRealm } from '#keycloak';
import { Ledger } from '#ledger';
import { serveBridge, type ServedBridge } from './bridge-server.js';
import { CognitoPasswordCheck } from './cognito-password-check.js';
import { BridgeTrafficRecorder } from './bridge-traffic-recorder.js';
import { CountedPasswordCheck } from './counted-password-check.js';
import { GroupCommitPublisher } from './group-commit-publisher.js';
import { LoginGuard } from './login-guard.js';
import { KeycloakStoredPasswords } from './keycloak-stored-passwords.js';
import { KnownOutcomes } from './known-outcomes.js';
import type { MigrationUserDirectory } from './migration-user.js';
import type { StoredPasswords } from './stored-passwords.js';
import { PasswordBridge } from './password-bridge.js';
import { PostgresMigrationUserDirectory } from './postgres-migration-user-directory.js';

export interface RunningBridge {
  readonly url: string;
  readonly config: BridgeConfig;
  readonly bridge: PasswordBridge;
  close(): Promise<void>;
}

export interface StartBridgeOptions {
  readonly logger?: Logger;
  /** Default: the projector's table in PROJECTION_SCHEMA at DATABASE_URL. */
  readonly users?: MigrationUserDirectory;
  /** Default: the realm KEYCLOAK_REALM through the admin API (KEYCLOAK_URL, KEYCLOAK_ADMIN_*). */
  readonly stored?: StoredPasswords;
}

/** The settings the bridge uses; its composition root loads them with `loadConfig(env, bridgeSections)`. */
export const bridgeSections = [
  'bridge',
  'pool',
  'kafka',
  'keycloak',
  'keycloakAdmin',
  'database',
  'cognito',
] as const satisfies readonly SectionName[];
export type BridgeRuntimeConfig = ConfigOf<(typeof bridgeSections)[number]>;

/**
 * The bridge wired to its real adapters from validated configuration: Cognito through the AWS
 * SDK, the projections in PostgreSQL, the ledger in Kafka.
 */
export async function startBridge(
  settings: BridgeRuntimeConfig,
  options: StartBridgeOptions = {},
): Promise<RunningBridge> {
  const config = settings.bridge;
  const { userPoolId } = settings.pool;
  const kafka = settings.kafka;
  const keycloak = settings.keycloak;
  const realm = keycloak.realm;
  const logger = (options.logger ?? pino({ level: settings.log.level ?? 'info' })).child({ app: 'bridge' });
  const databaseUrl = settings.database.url;
  const users = options.users ?? (await PostgresMigrationUserDirectory.open(databaseUrl, config.projectionSchema));

  // AdminInitiateAuth is outside the exporter's pacing categories; the LoginGuard paces it.
  const cognito = createCognitoClient(
    { ...settings.cognito, maxAttempts: config.cognitoMaxAttempts },
    { paced: false, retryMode: 'standard' },
  );
  const ledger = new Ledger({ kafka, logger });
  let publisher: Awaited<ReturnType<Ledger['publisher']>>;
  try {
    // Only `export` creates the ledger's topics: a wrong prefix or an unreachable broker is refused here.
    await ledger.requireTopics();
    publisher = await ledger.publisher();
  } catch (error) {
    await users.close();
    cognito.client.destroy();
    throw error;
  }
  const facts = new GroupCommitPublisher(publisher);
  // What the bridge observed of Cognito, recorded as ledger facts: the bridge criteria's source.
  const traffic = new BridgeTrafficRecorder({
    ledger: facts,
    realm,
    intervalSeconds: config.trafficIntervalSeconds,
    logger,
  });

  const bridge = new PasswordBridge({
    users,
    passwords: new CountedPasswordCheck(
      new CognitoPasswordCheck(cognito.client, {
        userPoolId,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        timeoutMs: config.cognitoTimeoutMs,
      }),
      traffic,
    ),
    guard: new LoginGuard(config),
    known: new KnownOutcomes({ ttlMs: config.knownOutcomeTtlMs, capacity: 100_000 }),
    ledger: facts,
    stored:
      options.stored ??
      // A short patience: the provider's confirmation waits for this answer only briefly.
      new KeycloakStoredPasswords(
        async () => new KeycloakRealm(keycloak, settings.keycloakAdmin, { patienceMs: 2_000 }),
      ),
    realm,
    logger,
  });
  const release = async () => {
    // The traffic facts first: the current interval goes out, partial, while the producer is open.
    await traffic.close();
    await publisher.close();
    await users.close();
    cognito.client.destroy();
  };
  let served: ServedBridge;
  try {
    served = await serveBridge(bridge, {
      host: config.host,
      port: config.port,
      sharedSecret: config.sharedSecret,
      logger,
    });
  } catch (error) {
    await release();
    throw error;
  }
  logger.info({ url: served.url, realm, userPoolId }, 'bridge listening');
  return {
    url: served.url,
    config,
    bridge,
    close: async () => {
      await served.close();
      await release();
    },
  };
}
