import { pino, type Logger } from 'pino';
import type { ConfigOf, SectionName } from '#config';
import type { BridgeTraffic, ReconcilerPolicy } from '#domain';
import { KeycloakRealm } from '#keycloak';
import { Ledger, type LedgerTopics } from '#ledger';
import { openPostgres } from '#projections';
import { MigrationStatusReader } from './migration-status-reader.js';
import { loadPolicy } from './policy-file.js';
import { Reconciler } from './reconciler.js';
import { ResetMailer } from './reset-mailer.js';

/** The settings `openReconciler` uses (`ledger reconcile`, `ledger phase`). */
export const reconcilerSections = [
  'reconciler',
  'resetMail',
  'kafka',
  'database',
  'keycloak',
  'keycloakAdmin',
] as const satisfies readonly SectionName[];
export type ReconcilerRuntimeConfig = ConfigOf<(typeof reconcilerSections)[number]>;

/** The settings `openStatusReader` uses (`ledger status`): no Keycloak. */
export const statusSections = ['reconciler', 'kafka', 'database'] as const satisfies readonly SectionName[];
export type StatusRuntimeConfig = ConfigOf<(typeof statusSections)[number]>;

export interface ReconcilerRuntimeOptions {
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
export async function openReconciler(
  settings: ReconcilerRuntimeConfig,
  options: ReconcilerRuntimeOptions = {},
): Promise<ReconcilerRuntime> {
  const { kafka, database, keycloak } = settings;
  const config = { ...settings.reconciler, smtp: settings.resetMail };
  const policy = options.policy ?? (await loadPolicy(config.policyFile));
  const logger = options.logger ?? pino({ level: settings.log.level ?? 'warn' });
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
    mailer: new ResetMailer(new KeycloakRealm(keycloak, settings.keycloakAdmin)),
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
  settings: StatusRuntimeConfig,
  options: ReconcilerRuntimeOptions = {},
): Promise<StatusRuntime> {
  const { reconciler: config, kafka, database } = settings;
  const { realm } = config;
  const policy = options.policy ?? (await loadPolicy(config.policyFile));
  const logger = options.logger ?? pino({ level: settings.log.level ?? 'warn' });
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
