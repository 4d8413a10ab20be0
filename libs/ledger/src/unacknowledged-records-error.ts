/**
 * A produce call resolved without the brokers acknowledging some of its records' partitions: the
 * records may be written nowhere, so nothing may be reported written. Names the event ids.
 */
export class UnacknowledgedRecordsError extends Error {
  constructor(
    readonly partitions: readonly string[],
    readonly eventIds: readonly string[],
  ) {
    const shown = eventIds.slice(0, 10).join(', ');
    super(
      `the brokers acknowledged no write to ${partitions.join(', ')}: ${eventIds.length} event(s) not known to be in the ledger (${shown}${eventIds.length > 10 ? ', …' : ''}); nothing was reported written, run the command again`,
    );
    this.name = 'UnacknowledgedRecordsError';
  }
}
