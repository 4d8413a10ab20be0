import { isEventOf, type LedgerEvent } from '#events';
import { isUserFact, observedTrafficOf } from '#domain';
import type { ConsumedEvent, EventBatch } from '#ledger';
import type {
  BridgeTrafficRow,
  CutoverChangeRow,
  DeadLetterRow,
  ExportRunRow,
  OffsetOrigin,
  ProjectionStore,
  ProjectionTransaction,
  ResetSkipRow,
} from '#projections';
import { projectUserFacts } from './user-facts-projection.js';
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
    const userFacts = fresh.filter((e) => isUserFact(e.event));
    const states = await tx.loadStates([...new Set(userFacts.map((e) => e.event.subject))]);
    const projection = projectUserFacts(states, userFacts);
    await tx.upsertUsers(projection.users);
    await tx.upsertTranslations(projection.translations);
    await tx.insertHistory(projection.history);
    await tx.addCounters(projection.counters);
    await tx.addDaily(projection.daily);
    await tx.addCriteriaDaily(projection.criteriaDays);
    const controlFacts = fresh.map((e) => e.event).filter((e) => !isUserFact(e));
    await tx.upsertExportRuns(exportRunsOf(controlFacts));
    await tx.insertBridgeTraffic(bridgeTrafficOf(controlFacts));
    await tx.insertCutoverChanges(cutoverChangesOf(controlFacts));
    await tx.insertResetSkips(resetSkipsOf(controlFacts));
    await tx.insertDeadLetters(projection.rejected.map(({ consumed, reason }) => deadLetterOf(consumed, reason)));
    await tx.saveOffset(batch.topic, batch.partition, end, origin);
    // After the writes succeeded, before the commit: a crash in between re-sends (a duplicate
    // dead letter), it never loses one.
    for (const { consumed, reason } of projection.rejected) await batch.deadLetter(consumed.record, reason);
    return {
      applied: fresh.length - projection.rejected.length,
      skipped: events.length - fresh.length,
      deadLettered: projection.rejected.length,
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

/** The phase changes, first of each target and sequence kept (as `evolveCutover` folds them). */
function cutoverChangesOf(events: readonly LedgerEvent[]): CutoverChangeRow[] {
  const changes = new Map<string, CutoverChangeRow>();
  for (const event of events) {
    if (!isEventOf(event, 'CutoverPhaseChanged')) continue;
    const d = event.data;
    const key = `${d.target.kind}/${d.target.realm}/${d.sequence}`;
    if (changes.has(key)) continue;
    changes.set(key, {
      targetKind: d.target.kind,
      targetRealm: d.target.realm,
      sequence: d.sequence,
      eventId: event.id,
      fromPhase: d.from,
      toPhase: d.to,
      decidedBy: d.by,
      operator: d.operator,
      reason: d.reason,
      override: d.override,
      decidedAt: d.decidedAt,
      criteria: d.criteria as CutoverChangeRow['criteria'],
    });
  }
  return [...changes.values()];
}

/** The reconciler's skipped resets, one per user, target and attempt (the fact's key). */
function resetSkipsOf(events: readonly LedgerEvent[]): ResetSkipRow[] {
  const skips = new Map<string, ResetSkipRow>();
  for (const event of events) {
    if (!isEventOf(event, 'ResetSkipped')) continue;
    const d = event.data;
    const target = `${d.target.kind}/${d.target.realm}`;
    const key = `${d.sub}/${target}/${d.attempt}`;
    if (skips.has(key)) continue;
    skips.set(key, {
      sub: d.sub,
      target,
      attempt: d.attempt,
      eventId: event.id,
      reason: d.reason,
      skippedAt: event.time,
    });
  }
  return [...skips.values()];
}

/**
 * A dead-lettered fact's row. Its text may be what PostgreSQL refused (a NUL character): the row
 * names the user and the reason without it, or recording the dead letter would fail like the fact.
 */
function deadLetterOf(consumed: ConsumedEvent, reason: string): DeadLetterRow {
  const { event, record } = consumed;
  const clean = (text: string) => text.replaceAll('\u0000', '\ufffd');
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    sub: clean(event.subject),
    eventId: event.id,
    type: event.type,
    time: event.time,
    reason: clean(reason),
  };
}

/** One row per run; within a batch the first value of each field wins, as in the upsert. */
function exportRunsOf(events: readonly LedgerEvent[]): ExportRunRow[] {
  const runs = new Map<string, ExportRunRow>();
  for (const event of events) {
    let row: ExportRunRow | undefined;
    if (isEventOf(event, 'ExportRunStarted')) {
      const d = event.data;
      row = { runId: d.runId, poolId: d.poolId, startedAt: d.startedAt, completedAt: null, users: null, digest: null };
    } else if (isEventOf(event, 'ExportRunCompleted')) {
      const d = event.data;
      row = {
        runId: d.runId,
        poolId: d.poolId,
        startedAt: null,
        completedAt: d.completedAt,
        users: d.users,
        digest: d.digest,
      };
    }
    if (!row) continue;
    const known = runs.get(row.runId);
    runs.set(
      row.runId,
      known
        ? {
            ...known,
            startedAt: known.startedAt ?? row.startedAt,
            completedAt: known.completedAt ?? row.completedAt,
            users: known.users ?? row.users,
            digest: known.digest ?? row.digest,
          }
        : row,
    );
  }
  return [...runs.values()];
}

/** The bridge's traffic facts as rows, with the calls and errors the criteria sum (libs/domain). */
function bridgeTrafficOf(events: readonly LedgerEvent[]): BridgeTrafficRow[] {
  const rows: BridgeTrafficRow[] = [];
  for (const event of events) {
    if (!isEventOf(event, 'BridgeTrafficObserved')) continue;
    const d = event.data;
    const { cognitoCalls, unavailable } = observedTrafficOf(d);
    rows.push({
      eventId: event.id,
      realm: d.target.realm,
      instance: d.instance,
      intervalStart: d.interval.start,
      intervalEnd: d.interval.end,
      complete: d.complete,
      cognitoCalls,
      unavailable,
      counts: { outcomes: d.outcomes, unavailable: d.unavailable },
    });
  }
  return rows;
}

/** SQLSTATE class 22 (data exception) or 54 (program limit, e.g. a value too large to index): the data, not the system. */
function isDataRejection(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('54'));
}

function describe(error: unknown): string {
  return `${error instanceof Error ? error.message : String(error)} (SQLSTATE ${sqlState(error)})`;
}
