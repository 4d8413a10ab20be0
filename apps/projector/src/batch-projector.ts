import type { ConsumedEvent, EventBatch } from '#ledger';
import type { OffsetOrigin, ProjectionStore, ProjectionTransaction } from '#projections';
import { batchChangesOf, deadLetterOf, subjectsOf } from '#projection-fold';
import { sqlState } from './sql-state.js';

export interface BatchOutcome {
  /** Facts written (or found already in the state). */
  readonly applied: number;
  /** Records below the stored offset: applied by an earlier run. */
  readonly skipped: number;
  readonly deadLettered: number;
}

const nothing: BatchOutcome = { applied: 0, skipped: 0, deadLettered: 0 };

/**
 * Projects one partition batch in one transaction together with its offset, so a crash anywhere
 * leaves either the whole batch with its offset or neither. A fact the domain refuses, or whose
 * data PostgreSQL cannot store (e.g. a NUL character in a string, SQLSTATE class 22), goes to the
 * dead-letter topic with the reason and the partition moves on; any other failure (database
 * down, a bug) fails the batch, and the consumer retries it rather than skip it.
 */
export class BatchProjector {
  constructor(private readonly store: ProjectionStore) {}

  /**
   * `origin`: the cluster and topic incarnation the batch was read from, stored with its offset.
   * `stopAt`: project only records below this offset (a replay up to a snapshot of another schema).
   */
  async project(batch: EventBatch, origin: OffsetOrigin, stopAt?: bigint): Promise<BatchOutcome> {
    const next = BigInt(batch.nextOffset);
    const end = stopAt !== undefined && stopAt < next ? stopAt : next;
    return this.projectRange(
      batch,
      origin,
      batch.events.filter((e) => BigInt(e.record.offset) < end),
      end,
    );
  }

  private async projectRange(
    batch: EventBatch,
    origin: OffsetOrigin,
    events: readonly ConsumedEvent[],
    end: bigint,
  ): Promise<BatchOutcome> {
    try {
      return await this.store.transaction((tx) => this.write(tx, batch, origin, events, end));
    } catch (error) {
      if (!isDataRejection(error) || events.length === 0) throw error;
      if (events.length === 1) return this.deadLetterAlone(batch, origin, events[0]!, end, describe(error));
      // Halve until the fact PostgreSQL refuses is alone; the others are written as usual.
      const middle = Math.floor(events.length / 2);
      const first = await this.projectRange(
        batch,
        origin,
        events.slice(0, middle),
        BigInt(events[middle]!.record.offset),
      );
      const second = await this.projectRange(batch, origin, events.slice(middle), end);
      return {
        applied: first.applied + second.applied,
        skipped: first.skipped + second.skipped,
        deadLettered: first.deadLettered + second.deadLettered,
      };
    }
  }

  private async write(
    tx: ProjectionTransaction,
    batch: EventBatch,
    origin: OffsetOrigin,
    events: readonly ConsumedEvent[],
    end: bigint,
  ): Promise<BatchOutcome> {
    const stored = await tx.lockOffset(batch.topic, batch.partition);
    if (stored !== undefined && stored >= end) return { ...nothing, skipped: events.length };
    const fresh = stored === undefined ? events : events.filter((e) => BigInt(e.record.offset) >= stored);
    const changes = batchChangesOf(await tx.loadStates(subjectsOf(fresh)), fresh);
    await tx.write(changes);
    await tx.saveOffset(batch.topic, batch.partition, end, origin);
    // After the writes succeeded, before the commit: a crash in between re-sends (a duplicate
    // dead letter), it never loses one.
    for (const { consumed, reason } of changes.rejected) await batch.deadLetter(consumed.record, reason);
    return {
      applied: fresh.length - changes.rejected.length,
      skipped: events.length - fresh.length,
      deadLettered: changes.rejected.length,
    };
  }

  private async deadLetterAlone(
    batch: EventBatch,
    origin: OffsetOrigin,
    consumed: ConsumedEvent,
    end: bigint,
    reason: string,
  ): Promise<BatchOutcome> {
    return this.store.transaction(async (tx) => {
      const stored = await tx.lockOffset(batch.topic, batch.partition);
      if (stored !== undefined && stored >= end) return { ...nothing, skipped: 1 };
      const stated = `the projection cannot store this event: ${reason}`;
      await tx.insertDeadLetters([deadLetterOf(consumed, stated)]);
      await tx.saveOffset(batch.topic, batch.partition, end, origin);
      await batch.deadLetter(consumed.record, stated);
      return { ...nothing, deadLettered: 1 };
    });
  }
}

/** SQLSTATE class 22 (data exception) or 54 (program limit, e.g. a value too large to index): the data, not the system. */
function isDataRejection(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('54'));
}

function describe(error: unknown): string {
  return `${error instanceof Error ? error.message : String(error)} (SQLSTATE ${sqlState(error)})`;
}
