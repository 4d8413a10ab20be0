export { Ledger, type LedgerOptions } from './ledger.js';
export { LedgerTopicsMissingError } from './ledger-topics-missing-error.js';
export { LedgerUnavailableError } from './ledger-unavailable-error.js';
export { topicsWithPrefix, type LedgerTopics } from './ledger-topics.js';
export type { LedgerPublisher } from './ledger-publisher.js';
export type { LedgerConsumer, ConsumeOptions, EventBatch, ConsumedEvent } from './ledger-consumer.js';
export { decodeRecord, encodeEvent, type LedgerRecord } from './cloudevents-kafka-binding.js';
export type { PartitionLag } from './consumer-lag.js';
export type { ScanPosition } from './topic-scan.js';
