import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { CognitoConfig, KafkaConfig, PoolConfig } from '#config';
import { CognitoPoolReader, createCognitoClient } from '#cognito';
import { Ledger } from '#ledger';
import { PoolExport } from './pool-export.js';

export interface ExporterSettings {
  readonly kafka: KafkaConfig;
  readonly cognito: CognitoConfig;
  readonly pool: PoolConfig;
  /** Pace calls to the configured quotas; off only for local measurements. */
  readonly paced?: boolean;
  /** The ledger's logger (default: `info` on stdout). */
  readonly logger?: Logger;
}

/** Wires the export use case to Kafka and the Cognito SDK; configuration is validated before this runs. */
@Module({})
export class ExporterModule {
  static register(settings: ExporterSettings): DynamicModule {
    return {
      module: ExporterModule,
      providers: [
        {
          provide: PoolExport,
          useFactory: () => {
            const cognito = createCognitoClient(settings.cognito, { paced: settings.paced ?? true });
            const ledger = new Ledger({
              kafka: settings.kafka,
              ...(settings.logger ? { logger: settings.logger } : {}),
            });
            return new PoolExport(ledger, new CognitoPoolReader(cognito, settings.pool.userPoolId), cognito);
          },
        },
      ],
      exports: [PoolExport],
    };
  }
}
