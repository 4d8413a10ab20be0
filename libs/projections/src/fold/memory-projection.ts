import type { UserMigrationState } from '#domain';
import type { ExportRunRow, TranslationRow } from '../projection/projection-store.js';
import type { MigrationUserRow } from '../projection/migration-user-row.js';
import type { Tally } from '../projection/progress-contributions.js';
import { batchChangesOf, subjectsOf, type BatchChanges } from './batch-changes.js';
import { mergeExportRun } from './control-fact-rows.js';
import { deadLetterOf } from './dead-letter-row.js';
import type { FoldedFact } from './folded-fact.js';
import {
  projectionDigest,
  projectionRowHash,
  projectionTables,
  tableDigest,
  type ProjectionTableName,
  type TableDigest,
} from './projection-row-digest.js';
import { storeRefusalOf } from './store-refusal.js';

const BATCH = 1000;

export interface ProjectionDigest {
  readonly digest: string;
  readonly tables: readonly TableDigest[];
}

/**
 * The projections folded in memory, for a reader without PostgreSQL (the auditor's verifier): the
 * same changes the projector writes (`batchChangesOf`), applied as its statements apply them
 * (upserts replace, a fact's row is inserted once, a merged run keeps each field's first value,
 * tallies add and a zero drops the row), and digested like the tables (`projectionSnapshot`).
 * Rows that never change after their insert are kept as their hash only.
 */
export class MemoryProjection {
  private readonly states = new Map<string, UserMigrationState>();
  private readonly users = new Map<string, MigrationUserRow>();
  private readonly translations = new Map<string, TranslationRow>();
  private readonly exportRuns = new Map<string, ExportRunRow>();
  private readonly tallies = {
    progress_counter: new Map() as Tally,
    daily_progress: new Map() as Tally,
    criteria_daily: new Map() as Tally,
  };
  private readonly inserted = {
    user_event: new Map<string, string>(),
    bridge_traffic: new Map<string, string>(),
    cutover_change: new Map<string, string>(),
    reset_skip: new Map<string, string>(),
    dead_letter: new Map<string, string>(),
  };

  /** Each partition's facts not folded yet, by `topic/partition`. */
  private readonly pending = new Map<string, FoldedFact[]>();

  /**
   * Takes the next fact of its partition (each partition's in offset order, partitions in any
   * order, as a scan of the ledger reads them); folded in batches of `BATCH`, as the projector folds
   * a partition's batches, and the rest when digested.
   */
  add(fact: FoldedFact): void {
    const name = `${fact.record.topic}/${fact.record.partition}`;
    let batch = this.pending.get(name);
    if (!batch) this.pending.set(name, (batch = []));
    batch.push(fact);
    if (batch.length === BATCH) {
      this.pending.delete(name);
      this.project(batch);
    }
  }

  /**
   * Folds one partition's facts, in offset order. Facts whose data PostgreSQL would refuse (a NUL
   * character) become dead letters with the reason the projector records, as the projector's
   * batch splitting leaves them; the others are folded as usual.
   */
  project(facts: readonly FoldedFact[]): void {
    const changes = batchChangesOf(this.statesOf(facts), facts);
    if (storeRefusalOf(changes) === undefined) return this.apply(changes);
    for (const fact of facts) {
      const single = batchChangesOf(this.statesOf([fact]), [fact]);
      const refusal = storeRefusalOf(single);
      if (refusal === undefined) this.apply(single);
      else
        this.insert(
          'dead_letter',
          [deadLetterOf(fact, `the projection cannot store this event: ${refusal}`)],
          deadLetterKey,
        );
    }
  }

  digest(): ProjectionDigest {
    for (const batch of this.pending.values()) this.project(batch);
    this.pending.clear();
    const hashes = (table: ProjectionTableName, rows: Iterable<object>) =>
      [...rows].map((row) => projectionRowHash(table, row));
    const tallyRows = (tally: Tally, first: string, second: string) =>
      [...tally]
        .filter(([, count]) => count !== 0)
        .map(([key, count]) => {
          const tab = key.indexOf('\t');
          return { [first]: key.slice(0, tab), [second]: key.slice(tab + 1), count: String(count) };
        });
    const rowHashes: Record<ProjectionTableName, string[]> = {
      migration_user: hashes('migration_user', this.users.values()),
      id_translation: hashes('id_translation', this.translations.values()),
      progress_counter: hashes('progress_counter', tallyRows(this.tallies.progress_counter, 'measure', 'dimension')),
      daily_progress: hashes('daily_progress', tallyRows(this.tallies.daily_progress, 'day', 'measure')),
      criteria_daily: hashes('criteria_daily', tallyRows(this.tallies.criteria_daily, 'day', 'measure')),
      export_run: hashes('export_run', this.exportRuns.values()),
      user_event: [...this.inserted.user_event.values()],
      bridge_traffic: [...this.inserted.bridge_traffic.values()],
      cutover_change: [...this.inserted.cutover_change.values()],
      reset_skip: [...this.inserted.reset_skip.values()],
      dead_letter: [...this.inserted.dead_letter.values()],
    };
    const tables = projectionTables.map(({ table }) => tableDigest(table, rowHashes[table as ProjectionTableName]));
    return { digest: projectionDigest(tables), tables };
  }

  private statesOf(facts: readonly FoldedFact[]): Map<string, UserMigrationState> {
    const states = new Map<string, UserMigrationState>();
    for (const sub of subjectsOf(facts)) {
      const state = this.states.get(sub);
      if (state) states.set(sub, state);
    }
    return states;
  }

  private apply(changes: BatchChanges): void {
    for (const row of changes.users) {
      this.users.set(row.sub, row);
      this.states.set(row.sub, row.state as UserMigrationState);
    }
    for (const row of changes.translations) this.translations.set(`${row.cognitoSub}\t${row.target}`, row);
    this.insert('user_event', changes.history, (r) => `${r.sub}\t${r.eventId}\t${r.contentHash}`);
    add(this.tallies.progress_counter, changes.counters);
    add(this.tallies.daily_progress, changes.daily);
    add(this.tallies.criteria_daily, changes.criteriaDays);
    for (const row of changes.exportRuns) {
      const known = this.exportRuns.get(row.runId);
      this.exportRuns.set(row.runId, known ? mergeExportRun(known, row) : row);
    }
    this.insert('bridge_traffic', changes.bridgeTraffic, (r) => r.eventId);
    this.insert('cutover_change', changes.cutoverChanges, (r) => `${r.targetKind}\t${r.targetRealm}\t${r.sequence}`);
    this.insert('reset_skip', changes.resetSkips, (r) => `${r.sub}\t${r.target}\t${r.attempt}`);
    this.insert('dead_letter', changes.deadLetters, deadLetterKey);
  }

  /** A fact's row is inserted once: the same key again (a fact seen twice) keeps the first. */
  private insert<R extends object>(
    table: keyof MemoryProjection['inserted'],
    rows: readonly R[],
    key: (row: R) => string,
  ) {
    const kept = this.inserted[table];
    for (const row of rows) {
      const k = key(row);
      if (!kept.has(k)) kept.set(k, projectionRowHash(table, row));
    }
  }
}

function deadLetterKey(row: { topic: string; partition: number; offset: string }): string {
  return `${row.topic}\t${row.partition}\t${row.offset}`;
}

function add(tally: Tally, deltas: Tally): void {
  for (const [key, amount] of deltas) tally.set(key, (tally.get(key) ?? 0) + amount);
}
