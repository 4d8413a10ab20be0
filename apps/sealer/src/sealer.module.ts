import { Module, type DynamicModule } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import type { NoteSignerKey } from '#audit';
import type { ConfigOf, KafkaConfig, SealConfig, SectionName } from '#config';
import { Ledger, type LedgerTopics } from '#ledger';
import { defaultOrigin } from './checkpoint-origin.js';
import { Sealer } from './sealer.js';

export interface SealerModuleSettings {
  readonly kafka: KafkaConfig;
  readonly seal: SealConfig;
  /** Read before the module is built (readSignerKey), so that a missing key fails before anything connects. */
  readonly key: NoteSignerKey;
  readonly topics?: LedgerTopics;
  /** Default: warnings and errors on stderr. */
  readonly logger?: Logger;
}

/** The settings the sealer and `ledger verify` use. */
export const sealerSections = ['kafka', 'seal'] as const satisfies readonly SectionName[];
export type SealerRuntimeConfig = ConfigOf<(typeof sealerSections)[number]>;

/** LEDGER_SEAL_ORIGIN, else `<key name>/<topic prefix>`. */
export function checkpointOriginOf(config: { kafka: KafkaConfig; seal: SealConfig }, keyName: string): string {
  return config.seal.origin ?? defaultOrigin(keyName, config.kafka.topicPrefix);
}

/** Wires the sealer to Kafka; configuration and key are validated before this runs. */
@Module({})
export class SealerModule {
  static register(settings: SealerModuleSettings): DynamicModule {
    return {
      module: SealerModule,
      providers: [
        {
          provide: Sealer,
          useFactory: () => {
            const logger = (settings.logger ?? pino({ level: 'warn' }, process.stderr)).child({ app: 'sealer' });
            const ledger = new Ledger({
              kafka: settings.kafka,
              logger,
              ...(settings.topics ? { topics: settings.topics } : {}),
            });
            return new Sealer(
              ledger,
              settings.key,
              {
                origin: checkpointOriginOf(settings, settings.key.name),
                everyRecords: settings.seal.everyRecords,
                intervalMs: settings.seal.intervalMs,
              },
              logger,
            );
          },
        },
      ],
      exports: [Sealer],
    };
  }
}
