import type { Logger } from 'pino';
import { InvalidEventError, type LedgerEvent } from '#events';
import { decodeRecord, type LedgerRecord } from './cloudevents-kafka-binding.js';

/**
 * Decodes a record for a reader that scans the ledger rather than consuming it (no dead-letter of
 * its own: dead-lettering is the consumers' business). An invalid record is skipped, and said so
 * in one warning naming where it is and which field is wrong — never the problem's text or the
 * value, which may hold personal data (a JSON error quotes the bytes). Any other failure is thrown.
 */
export function decodeOrSkip(record: LedgerRecord, logger: Logger): LedgerEvent | undefined {
  try {
    return decodeRecord(record);
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    logger.warn(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        path: error.path,
        ...(error.eventType ? { eventType: error.eventType } : {}),
      },
      'skipped an invalid ledger record',
    );
    return undefined;
  }
}
