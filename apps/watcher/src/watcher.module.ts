import { Module, type DynamicModule } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import {
  databaseConfig,
  importerConfig,
  kafkaConfig,
  keycloakConfig,
  watcherConfig,
  type DatabaseConfig,
  type Env,
  type ImporterConfig,
  type KafkaConfig,
  type KeycloakConfig,
  type WatcherConfig,
} from '#config';
import { importMapping } from '#importer';
import { KeycloakRealm, UserDirectory, UserEventLog, type AdminCredentials } from '#keycloak';
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

/** Reads and validates every setting the watcher needs, so a bad one costs nothing and names itself. */
export function watcherSettingsOf(env: Env, admin: AdminCredentials): WatcherSettings {
  return {
    kafka: kafkaConfig(env),
    keycloak: keycloakConfig(env),
    database: databaseConfig(env),
    watcher: watcherConfig(env),
    importer: importerConfig(env),
    admin,
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
