import { Module, type DynamicModule } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import type { ImporterConfig, KafkaConfig, KeycloakConfig } from '#config';
import { GroupDirectory, KeycloakRealm, UserBatchWriter, UserDirectory, type AdminCredentials } from '#keycloak';
import { Ledger, type LedgerTopics } from '#ledger';
import { importMapping } from '#domain';
import { ImportRun } from './import-run.js';
import { UserImport, type ImportTarget } from './user-import.js';

export interface ImporterSettings {
  readonly kafka: KafkaConfig;
  readonly keycloak: KeycloakConfig;
  readonly importer: ImporterConfig;
  readonly admin: AdminCredentials;
  readonly topics?: LedgerTopics;
  /** How long one Keycloak call retries while the server is away; see KeycloakRealmOptions. */
  readonly patienceMs?: number;
  /** Default: warnings and errors on stderr. */
  readonly logger?: Logger;
}

/** Wires the import use case to Kafka and Keycloak; configuration is validated before this runs. */
@Module({})
export class ImporterModule {
  static register(settings: ImporterSettings): DynamicModule {
    return {
      module: ImporterModule,
      providers: [
        {
          provide: ImportRun,
          useFactory: () => {
            const logger = (settings.logger ?? pino({ level: 'warn' }, process.stderr)).child({ app: 'importer' });
            const ledger = new Ledger({
              kafka: settings.kafka,
              logger,
              ...(settings.topics ? { topics: settings.topics } : {}),
            });
            const realm = new KeycloakRealm(settings.keycloak, settings.admin, {
              ...(settings.patienceMs !== undefined ? { patienceMs: settings.patienceMs } : {}),
              onRetry: (failure, delayMs) => run.noteRetry(failure, delayMs),
            });
            const target: ImportTarget = {
              realm,
              users: new UserDirectory(realm),
              groups: new GroupDirectory(realm),
              writer: new UserBatchWriter(realm),
            };
            const userImport = new UserImport(target, importMapping(settings.importer), settings.importer);
            const run = new ImportRun(ledger, userImport, target, logger);
            return run;
          },
        },
      ],
      exports: [ImportRun],
    };
  }
}
