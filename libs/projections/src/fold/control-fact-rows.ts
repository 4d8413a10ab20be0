import { isEventOf, type LedgerEvent } from '#events';
import { observedTrafficOf } from '#domain';
import type { BridgeTrafficRow, CutoverChangeRow, ExportRunRow, ResetSkipRow } from '../projection/projection-store.js';

/** The phase changes, first of each target and sequence kept (as `evolveCutover` folds them). */
export function cutoverChangesOf(events: readonly LedgerEvent[]): CutoverChangeRow[] {
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
export function resetSkipsOf(events: readonly LedgerEvent[]): ResetSkipRow[] {
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

/** One row per run; within a batch the first value of each field wins, as in the upsert. */
export function exportRunsOf(events: readonly LedgerEvent[]): ExportRunRow[] {
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
    runs.set(row.runId, known ? mergeExportRun(known, row) : row);
  }
  return [...runs.values()];
}

/**
 * A run's row with another fact of the run: each field keeps the first value it was given, so the
 * row is the same whichever of the run's facts comes first (the `export_run` upsert's `coalesce`).
 */
export function mergeExportRun(known: ExportRunRow, row: ExportRunRow): ExportRunRow {
  return {
    ...known,
    startedAt: known.startedAt ?? row.startedAt,
    completedAt: known.completedAt ?? row.completedAt,
    users: known.users ?? row.users,
    digest: known.digest ?? row.digest,
  };
}

/** The bridge's traffic facts as rows, with the calls and errors the criteria sum (libs/domain). */
export function bridgeTrafficOf(events: readonly LedgerEvent[]): BridgeTrafficRow[] {
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
