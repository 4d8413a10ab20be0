import { Module, type DynamicModule } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import type {
  ConfigOf,
  DatabaseConfig,
  ImporterConfig,
  KafkaConfig,
  KeycloakConfig,
  SectionName,
  WatcherConfig,
} from '#config';
import { importMapping } from '#domain';
import { AdminEventLog, KeycloakRealm, UserDirectory, UserEventLog, type AdminCredentials } from '#keycloak';
import { Ledger, type LedgerTopics } from '#ledger';
import { EventCursorStore } from './event-cursor-store.js';
import { TargetWatch } from './target-watch.js';

export interface WatcherSettings {
  readonly kafka: KafkaConfig;
  readonly keycloak: KeycloakConfig;
  readonly database: DatabaseConfig;
  readonly watcher: WatcherConfig;
  /** The importer's provider-alias overrides: the watcher maps Cognito providers to the realm's the same way. */
  readonly importer: ImporterConfig;
  readonly admin: AdminCredentials;
  readonly topics?: LedgerTopics;
  /** Default: warnings and errors on stderr. */
  readonly logger?: Logger;
}

/** The settings the watcher uses (`ledger watch`). */
export const watcherSections = [
  'kafka',
  'keycloak',
  'keycloakAdmin',
  'database',
  'watcher',
  'importer',
] as const satisfies readonly SectionName[];
export type WatcherRuntimeConfig = ConfigOf<(typeof watcherSections)[number]>;

/** The watcher's module settings from its validated configuration. */
export function watcherSettingsOf(config: WatcherRuntimeConfig): WatcherSettings {
  return {
    kafka: config.kafka,
    keycloak: config.keycloak,
    database: config.database,
    watcher: config.watcher,
    importer: config.importer,
    admin: config.keycloakAdmin,
    ...(config.log.level ? { logger: pino({ level: config.log.level }, process.stderr) } : {}),
  };
}

/** The import treatments that write the user disabled whatever Cognito said. */
function disablingTreatmentsOf(mapping: ReturnType<typeof importMapping>): Set<string> {
  return new Set(
    [...Object.values(mapping.statuses), mapping.unknownStatus].filter((t) => t.enabled === false).map((t) => t.name),
  );
}

/** Wires the watcher to Kafka, Keycloak and PostgreSQL; configuration is validated before this runs. */
@Module({})
export class WatcherModule {
  static register(settings: WatcherSettings): DynamicModule {
    return {
      module: WatcherModule,
      providers: [
        {
          provide: TargetWatch,
          useFactory: () => {
            const logger = (settings.logger ?? pino({ level: 'warn' }, process.stderr)).child({ app: 'watcher' });
            const ledger = new Ledger({
              kafka: settings.kafka,
              logger,
              ...(settings.topics ? { topics: settings.topics } : {}),
            });
            const realm = new KeycloakRealm(settings.keycloak, settings.admin, {
              onRetry: (failure, delayMs) =>
                logger.warn({ operation: failure.operation, retryInMs: delayMs }, 'Keycloak unavailable; retrying'),
            });
            return new TargetWatch(
              ledger,
              realm,
              new UserDirectory(realm),
              new UserEventLog(realm),
              new AdminEventLog(realm),
              new EventCursorStore(settings.database.url, settings.watcher.schema),
              {
                providerAliases: importMapping(settings.importer).providerAliases,
                pageSize: settings.watcher.pageSize,
                overlapMs: settings.watcher.overlapMs,
                reconcileConcurrency: settings.watcher.reconcileConcurrency,
                disablingTreatments: disablingTreatmentsOf(importMapping(settings.importer)),
              },
              logger,
            );
          },
        },
      ],
      exports: [TargetWatch],
    };
  }
}
