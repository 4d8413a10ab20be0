import { pino, type Logger } from 'pino';
import { databaseConfig, kafkaConfig, keycloakConfig, reconcilerConfig, type Env } from '#config';
import type { BridgeTraffic, ReconcilerPolicy } from '#domain';
import { KeycloakRealm, type AdminCredentials } from '#keycloak';
import { Ledger, type LedgerTopics } from '#ledger';
import { openPostgres } from '#projections';
import { MigrationStatusReader } from './migration-status-reader.js';
import { loadPolicy } from './policy-file.js';
import { Reconciler } from './reconciler.js';
import { ResetMailer } from './reset-mailer.js';

export interface ReconcilerRuntimeOptions {
  readonly admin: AdminCredentials;
  readonly topics?: LedgerTopics;
  readonly logger?: Logger;
  /** Replaces the policy file (tests, demo). */
  readonly policy?: ReconcilerPolicy;
  readonly bridgeTraffic?: (policy: ReconcilerPolicy, now: Date) => Promise<BridgeTraffic>;
}

export interface ReconcilerRuntime {
  readonly reconciler: Reconciler;
  readonly policy: ReconcilerPolicy;
  close(): Promise<void>;
}

export interface StatusRuntime {
  readonly status: MigrationStatusReader;
  readonly policy: ReconcilerPolicy;
  close(): Promise<void>;
}

/**
 * Validates every setting and the policy, then connects the reconciler to Kafka, PostgreSQL and
 * Keycloak. Nothing is changed yet: the realm and the journal are prepared by the first pass.
 */
export async function openReconciler(env: Env, options: ReconcilerRuntimeOptions): Promise<ReconcilerRuntime> {
  const config = reconcilerConfig(env);
  const kafka = kafkaConfig(env);
  const database = databaseConfig(env);
  const keycloak = keycloakConfig(env);
  const policy = options.policy ?? (await loadPolicy(config.policyFile));
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  const ledger = new Ledger({ kafka, logger, ...(options.topics ? { topics: options.topics } : {}) });
  // Only `export` creates the ledger's topics: a wrong prefix or an unreachable broker is refused here.
  await ledger.requireTopics();
  const publisher = await ledger.publisher();
  const db = await openPostgres({
    url: database.url,
    schema: config.projectionSchema,
    application: 'reconciler',
    maxConnections: 2,
  });
  const reconciler = new Reconciler({
    ledger,
    publisher,
    db,
    mailer: new ResetMailer(new KeycloakRealm(keycloak, options.admin)),
    config,
    policy,
    realm: keycloak.realm,
    logger,
    ...(options.bridgeTraffic ? { bridgeTraffic: options.bridgeTraffic } : {}),
  });
  return {
    reconciler,
    policy,
    close: async () => {
      await publisher.close();
      await db.destroy();
    },
  };
}

/**
 * `ledger status`: PostgreSQL and Kafka, read only. No Keycloak login, no producer, no topic or
 * table created.
 */
export async function openStatusReader(
  env: Env,
  options: Omit<ReconcilerRuntimeOptions, 'admin'> = {},
): Promise<StatusRuntime> {
  const config = reconcilerConfig(env);
  const kafka = kafkaConfig(env);
  const database = databaseConfig(env);
  const { realm } = keycloakConfig(env);
  const policy = options.policy ?? (await loadPolicy(config.policyFile));
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  const ledger = new Ledger({ kafka, logger, ...(options.topics ? { topics: options.topics } : {}) });
  await ledger.requireTopics();
  const db = await openPostgres({
    url: database.url,
    schema: config.projectionSchema,
    application: 'ledger-status',
    maxConnections: 3,
  });
  const status = new MigrationStatusReader({
    ledger,
    db,
    config,
    policy,
    realm,
    ...(options.bridgeTraffic ? { bridgeTraffic: options.bridgeTraffic } : {}),
  });
  return { status, policy, close: () => db.destroy() };
}
