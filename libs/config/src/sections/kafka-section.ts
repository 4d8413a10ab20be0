import { z } from 'zod';
import { section } from '../section.js';
import { nonEmpty } from '../setting-rules.js';

export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Topics are `<prefix>.user-events`, `<prefix>.control-events`, `<prefix>.dead-letter`. */
  readonly topicPrefix: string;
}

export const kafkaSection = section(
  {
    KAFKA_BROKERS: z.string().regex(/^[^,\s:]+:\d+(,[^,\s:]+:\d+)*$/, { error: 'must be host:port[,host:port...]' }),
    KAFKA_CLIENT_ID: nonEmpty.default('cognito-migration-ledger'),
    KAFKA_TOPIC_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9._-]+$/, { error: 'must be letters, digits, ".", "_" or "-" (a Kafka topic name part)' })
      .default('migration'),
  },
  (v): KafkaConfig => ({
    brokers: v.KAFKA_BROKERS.split(','),
    clientId: v.KAFKA_CLIENT_ID,
    topicPrefix: v.KAFKA_TOPIC_PREFIX,
  }),
);
