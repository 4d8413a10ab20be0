/**
 * Offsets a consumer stored do not belong to the ledger it now reads (another Kafka, topics
 * recreated, another prefix): resuming from them would skip or wait for records. The way out is
 * to rebuild from this ledger, which the message says.
 */
export class StoredPositionMismatchError extends Error {
  constructor(
    readonly owner: string,
    problem: string,
  ) {
    super(
      `${owner} ${problem}; these offsets are not of this ledger: rebuild from it with \`ledger replay --replace\` (docs/projections.md)`,
    );
    this.name = 'StoredPositionMismatchError';
  }
}
