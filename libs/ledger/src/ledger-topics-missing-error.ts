/** The broker answers but does not hold the ledger's topics: nothing was written under this prefix, or the prefix is wrong. */
export class LedgerTopicsMissingError extends Error {
  constructor(
    readonly topics: readonly string[],
    readonly brokers: readonly string[],
  ) {
    super(
      `the ledger topics ${topics.join(', ')} do not exist on ${brokers.join(',')}: nothing was exported under this KAFKA_TOPIC_PREFIX yet, or the prefix is wrong`,
    );
    this.name = 'LedgerTopicsMissingError';
  }
}
