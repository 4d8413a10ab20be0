/**
 * A ledger consumer stopped for good: kafkajs gave up on a failure it does not retry (e.g. a
 * TypeError in a batch handler). Names the consumer group; the failure is the `cause`.
 */
export class LedgerConsumerFailedError extends Error {
  constructor(
    readonly groupId: string,
    cause: unknown,
  ) {
    super(
      `the ledger consumer of group ${groupId} stopped: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`,
      { cause },
    );
    this.name = 'LedgerConsumerFailedError';
  }
}
