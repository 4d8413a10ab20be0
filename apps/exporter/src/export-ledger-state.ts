import type { LedgerRecord } from '#ledger';

export interface OpenRun {
  readonly runId: string;
  readonly startedEventId: string;
}

/**
 * What the ledger already knows about exports of one pool, read from record headers only (the
 * CloudEvents binary binding puts type, id, subject and correlation id there): the run left open
 * by a crash, if any, and the ids of every UserExported already written.
 */
export class ExportLedgerState {
  readonly exportedIds = new Set<string>();
  private readonly started = new Map<string, string>();
  private readonly completed = new Set<string>();

  constructor(private readonly poolId: string) {}

  add(record: LedgerRecord): void {
    const { ce_type: type, ce_id: id, ce_subject: subject, ce_correlationid: runId } = record.headers;
    if (!type || !id) return;
    if (type === 'UserExported') this.exportedIds.add(id);
    else if (subject === this.poolId && runId) {
      if (type === 'ExportRunStarted') this.started.set(runId, id);
      else if (type === 'ExportRunCompleted') this.completed.add(runId);
    }
  }

  /** The latest started run of this pool that never completed: a re-run continues it. */
  openRun(): OpenRun | undefined {
    const open = [...this.started].filter(([runId]) => !this.completed.has(runId));
    const last = open[open.length - 1];
    return last ? { runId: last[0], startedEventId: last[1] } : undefined;
  }
}
