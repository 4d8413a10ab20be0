import { createHash } from 'node:crypto';
import type { LedgerRecord } from './cloudevents-kafka-binding.js';

/** One event id recorded with more than one content: the ledger contradicts itself. */
export interface EventIdentityConflict {
  readonly id: string;
  /** Where each distinct content was first seen, `topic/partition@offset`. */
  readonly places: readonly string[];
}

export interface EventIdentityFindings {
  readonly records: number;
  readonly ids: number;
  /** Records that repeat an id with the same bytes (a redelivery or a re-run): harmless. */
  readonly repeats: number;
  readonly conflicts: readonly EventIdentityConflict[];
}

/**
 * Checks the ledger's identity rule over any set of records: the same event id always carries the
 * same bytes. Ids are deterministic (type + subject + fact key), so two different values under one
 * id mean a producer recorded two versions of one fact, and every consumer that deduplicates by id
 * keeps whichever came first. Holds one 32-byte digest per id, not the records.
 */
export class EventIdentityAudit {
  private readonly contents = new Map<string, Map<string, string>>();
  private records = 0;
  private repeats = 0;

  /** Folds one record in; a record without an id header is not an event and is left to the consumers' validation. */
  add(record: LedgerRecord): void {
    const id = record.headers['ce_id'];
    if (id === undefined) return;
    this.records += 1;
    const digest = createHash('sha256')
      .update(record.value ?? Buffer.alloc(0))
      .digest('base64');
    const seen = this.contents.get(id);
    if (seen === undefined) {
      this.contents.set(id, new Map([[digest, placeOf(record)]]));
    } else if (seen.has(digest)) {
      this.repeats += 1;
    } else {
      seen.set(digest, placeOf(record));
    }
  }

  findings(): EventIdentityFindings {
    const conflicts = [...this.contents]
      .filter(([, seen]) => seen.size > 1)
      .map(([id, seen]) => ({ id, places: [...seen.values()] }));
    return { records: this.records, ids: this.contents.size, repeats: this.repeats, conflicts };
  }
}

function placeOf(record: LedgerRecord): string {
  return `${record.topic}/${record.partition}@${record.offset}`;
}
