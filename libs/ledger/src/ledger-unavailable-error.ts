/** The broker could not be reached or did not answer; names the brokers that were tried. */
export class LedgerUnavailableError extends Error {
  constructor(
    readonly brokers: readonly string[],
    cause: unknown,
  ) {
    super(
      `Kafka is not reachable at ${brokers.join(',')} (KAFKA_BROKERS): ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'LedgerUnavailableError';
  }
}
