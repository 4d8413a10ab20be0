import { evolveSourceView, type SourceUserView } from '#domain';
import { InvalidEventError, type LedgerEvent } from '#events';
import { decodeRecord, type LedgerRecord } from '#ledger';

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

  /** The ledger's last view of each user of this pool: what a rescan compares with. */
  readonly view = new Map<string, SourceUserView>();

  add(record: LedgerRecord): void {
    const { ce_type: type, ce_id: id, ce_subject: subject, ce_correlationid: runId } = record.headers;
    if (!type || !id) return;
    if (type === 'UserExported') {
      this.exportedIds.add(id);
      // The body only for exports: the username is what AdminGetUser is asked for later.
      this.learnRecord(record);
    } else if (type === 'UserDeletedInSource') this.learnRecord(record);
    else if (subject === this.poolId && runId) {
      if (type === 'ExportRunStarted') this.started.set(runId, id);
      else if (type === 'ExportRunCompleted') this.completed.add(runId);
    }
  }

  /** An invalid record is the consumers' dead-letter business: the view goes without it, as before. */
  private learnRecord(record: LedgerRecord): void {
    try {
      this.learn(decodeRecord(record));
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
    }
  }

  /** A fact this exporter wrote or read back: the view follows it. */
  learn(event: LedgerEvent): void {
    if (event.type === 'UserExported' && event.data.poolId === this.poolId)
      evolveSourceView(this.view, {
        type: 'UserExported',
        id: event.id,
        sub: event.subject,
        username: event.data.username,
      });
    else if (event.type === 'UserDeletedInSource' && event.data.poolId === this.poolId)
      evolveSourceView(this.view, { type: 'UserDeletedInSource', sub: event.subject });
  }

  /** The latest started run of this pool that never completed: a re-run continues it. */
  openRun(): OpenRun | undefined {
    const open = [...this.started].filter(([runId]) => !this.completed.has(runId));
    const last = open[open.length - 1];
    return last ? { runId: last[0], startedEventId: last[1] } : undefined;
  }
}
