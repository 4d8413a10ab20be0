import type { DataSource, QueryRunner } from 'typeorm';
import type { UserMigrationState } from '#domain';
import type { LedgerOrigin, StoredPosition } from '#ledger';
import { entityColumns, type StoredRow } from '../entity-columns.js';
import { quoteIdentifier } from '../schema-name.js';
import {
  BridgeTrafficObservation,
  CutoverChange,
  DeadLetter,
  ExportRun,
  IdTranslation,
  MigrationUser,
  ResetSkip,
  UserEvent,
} from './entities/index.js';
import type { BatchChanges } from '../fold/batch-changes.js';
import type { MigrationUserRow } from './migration-user-row.js';
import type { Tally } from './progress-contributions.js';

/** The cluster and topic incarnation an offset counts in. */
export interface OffsetOrigin {
  readonly clusterId: string;
  readonly topicId: string;
}

export type TranslationRow = StoredRow<IdTranslation>;
export type HistoryRow = StoredRow<UserEvent>;
/** A run's row from one control event: the fields that event does not carry are null. */
export type ExportRunRow = StoredRow<ExportRun>;
/** One `BridgeTrafficObserved` fact as its row. */
export type BridgeTrafficRow = StoredRow<BridgeTrafficObservation>;
/** One `CutoverPhaseChanged`. */
export type CutoverChangeRow = StoredRow<CutoverChange>;
/** One `ResetSkipped`. */
export type ResetSkipRow = StoredRow<ResetSkip>;
/** One fact sent to the dead-letter topic, with the reason. */
export type DeadLetterRow = StoredRow<DeadLetter>;

/**
 * The parts of a set-based upsert from a JSON array of rows keyed like the entity:
 * `insert into t (columns) select values from jsonb_to_recordset($1) as x(definition)`.
 */
function recordset(entity: abstract new () => unknown) {
  const columns = entityColumns(entity);
  return {
    columns: columns.map((c) => quoteIdentifier(c.name)).join(', '),
    values: columns.map((c) => quoteIdentifier(c.property)).join(', '),
    definition: columns.map((c) => `${quoteIdentifier(c.property)} ${c.sqlType}`).join(', '),
    /** `column = excluded.column` for every column but the key's. */
    updatesBut: (...key: string[]) =>
      columns
        .filter((c) => !key.includes(c.name))
        .map((c) => `${quoteIdentifier(c.name)} = excluded.${quoteIdentifier(c.name)}`)
        .join(', '),
  };
}

const users = recordset(MigrationUser);
const translations = recordset(IdTranslation);
const history = recordset(UserEvent);
const exportRuns = recordset(ExportRun);
const bridgeTraffic = recordset(BridgeTrafficObservation);
const cutoverChanges = recordset(CutoverChange);
const resetSkips = recordset(ResetSkip);
const deadLetters = recordset(DeadLetter);

/**
 * The only code that writes the projections. Each batch is one transaction; every write is one
 * set-based statement over the whole batch (rows passed as one jsonb array or as parallel
 * arrays), never a statement per event.
 */
export class ProjectionStore {
  constructor(
    readonly dataSource: DataSource,
    readonly schema: string,
  ) {}

  /** `"schema".table`, quoted. */
  table(name: string): string {
    return `${quoteIdentifier(this.schema)}.${name}`;
  }

  async offsets(): Promise<Map<string, bigint>> {
    const rows: { topic: string; partition: number; next_offset: string }[] = await this.dataSource.query(
      `select topic, partition, next_offset from ${this.table('projection_offset')}`,
    );
    return new Map(rows.map((r) => [`${r.topic}/${r.partition}`, BigInt(r.next_offset)]));
  }

  /** The stored offsets with the cluster id and topic id they count in. */
  async positions(): Promise<StoredPosition[]> {
    return storedPositions(this.dataSource, this.schema);
  }

  /** Records the origin on offsets stored before it was recorded (once they were checked against it). */
  async adoptOrigin(origin: LedgerOrigin): Promise<void> {
    for (const [topic, { topicId }] of origin.topics) {
      await this.dataSource.query(
        `update ${this.table('projection_offset')} set cluster_id = $1, topic_id = $2
         where topic = $3 and (cluster_id is null or topic_id is null)`,
        [origin.clusterId, topicId, topic],
      );
    }
  }

  async transaction<T>(work: (tx: ProjectionTransaction) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // The offset commits with the rows: should PostgreSQL lose the last commits in a crash, it
      // loses them together and the batch is projected again. So the commit need not wait for
      // the WAL flush; at most a dead letter is sent twice.
      await runner.query('set local synchronous_commit = off');
      const result = await work(new ProjectionTransaction(runner, this));
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}

export class ProjectionTransaction {
  constructor(
    private readonly runner: QueryRunner,
    private readonly store: ProjectionStore,
  ) {}

  /**
   * The partition's stored offset, locked until commit so that two writers cannot both apply a
   * batch. The lock is a transaction-scoped advisory lock on (schema, topic, partition) rather than
   * the offset row's lock: before a partition's first batch commits there is no row to lock, and
   * two projectors given that partition at once (a rebalance handing it over while the old owner
   * still writes, two instances of one group) would both count the batch.
   */
  async lockOffset(topic: string, partition: number): Promise<bigint | undefined> {
    await this.runner.query('select pg_advisory_xact_lock(hashtext($1), $2)', [
      `${this.store.schema}/${topic}`,
      partition,
    ]);
    const rows: { next_offset: string }[] = await this.runner.query(
      `select next_offset from ${this.store.table('projection_offset')} where topic = $1 and partition = $2`,
      [topic, partition],
    );
    return rows[0] ? BigInt(rows[0].next_offset) : undefined;
  }

  async saveOffset(topic: string, partition: number, nextOffset: bigint, origin: OffsetOrigin): Promise<void> {
    await this.runner.query(
      `insert into ${this.store.table('projection_offset')} (topic, partition, next_offset, cluster_id, topic_id)
       values ($1, $2, $3, $4, $5)
       on conflict (topic, partition) do update
         set next_offset = excluded.next_offset, cluster_id = excluded.cluster_id, topic_id = excluded.topic_id`,
      [topic, partition, nextOffset.toString(), origin.clusterId, origin.topicId],
    );
  }

  /** Writes a batch's changes (`batchChangesOf`), each table in one set-based statement. */
  async write(changes: BatchChanges): Promise<void> {
    await this.upsertUsers(changes.users);
    await this.upsertTranslations(changes.translations);
    await this.insertHistory(changes.history);
    await this.addCounters(changes.counters);
    await this.addDaily(changes.daily);
    await this.addCriteriaDaily(changes.criteriaDays);
    await this.upsertExportRuns(changes.exportRuns);
    await this.insertBridgeTraffic(changes.bridgeTraffic);
    await this.insertCutoverChanges(changes.cutoverChanges);
    await this.insertResetSkips(changes.resetSkips);
    await this.insertDeadLetters(changes.deadLetters);
  }

  async loadStates(subs: readonly string[]): Promise<Map<string, UserMigrationState>> {
    if (subs.length === 0) return new Map();
    const rows: { state: UserMigrationState }[] = await this.runner.query(
      `select state from ${this.store.table('migration_user')} where sub = any($1::text[])`,
      [subs],
    );
    return new Map(rows.map((r) => [r.state.sub, r.state]));
  }

  async upsertUsers(rows: readonly MigrationUserRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.runner.query(
      `insert into ${this.store.table('migration_user')} (${users.columns})
       select ${users.values} from jsonb_to_recordset($1::jsonb) as x(${users.definition})
       on conflict (sub) do update set ${users.updatesBut('sub')}`,
      [JSON.stringify(rows)],
    );
  }

  async upsertTranslations(rows: readonly TranslationRow[]): Promise<void> {
    if (rows.length === 0) return;
    const table = this.store.table('id_translation');
    await this.runner.query(
      `insert into ${table} (${translations.columns})
       select ${translations.values} from jsonb_to_recordset($1::jsonb) as x(${translations.definition})
       on conflict (cognito_sub, target) do update
         set target_user_id = excluded.target_user_id, imported_at = excluded.imported_at
         where (id_translation.target_user_id, id_translation.imported_at)
           is distinct from (excluded.target_user_id, excluded.imported_at)`,
      [JSON.stringify(rows)],
    );
  }

  async insertHistory(rows: readonly HistoryRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.runner.query(
      `insert into ${this.store.table('user_event')} (${history.columns})
       select ${history.values} from jsonb_to_recordset($1::jsonb) as x(${history.definition})
       on conflict (sub, event_id, content_hash) do nothing`,
      [JSON.stringify(rows)],
    );
  }

  /** Adds the deltas; a count that reaches zero is removed, so a replay and a live run hold the same rows. */
  async addCounters(deltas: Tally): Promise<void> {
    await this.addTally(deltas, 'progress_counter', 'measure', 'dimension', 'text');
  }

  async addDaily(deltas: Tally): Promise<void> {
    await this.addTally(deltas, 'daily_progress', 'day', 'measure', 'date');
  }

  /** The done criteria's per-day counts (`addCriteriaContribution`), like `addDaily`. */
  async addCriteriaDaily(deltas: Tally): Promise<void> {
    await this.addTally(deltas, 'criteria_daily', 'day', 'measure', 'date');
  }

  async upsertExportRuns(rows: readonly ExportRunRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.runner.query(
      `insert into ${this.store.table('export_run')} (${exportRuns.columns})
       select ${exportRuns.values} from jsonb_to_recordset($1::jsonb) as x(${exportRuns.definition})
       on conflict (run_id) do update set
         started_at = coalesce(export_run.started_at, excluded.started_at),
         completed_at = coalesce(export_run.completed_at, excluded.completed_at),
         users = coalesce(export_run.users, excluded.users),
         digest = coalesce(export_run.digest, excluded.digest)`,
      [JSON.stringify(rows)],
    );
  }

  /** One row per fact; a fact seen again (a redelivery, a second publish) is the same id and stays counted once. */
  async insertBridgeTraffic(rows: readonly BridgeTrafficRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.runner.query(
      `insert into ${this.store.table('bridge_traffic')} (${bridgeTraffic.columns})
       select ${bridgeTraffic.values} from jsonb_to_recordset($1::jsonb) as x(${bridgeTraffic.definition})
       on conflict (event_id) do nothing`,
      [JSON.stringify(rows)],
    );
  }

  /** A phase change is decided once per sequence number (two deciders racing make one fact): the first stays. */
  async insertCutoverChanges(rows: readonly CutoverChangeRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.runner.query(
      `insert into ${this.store.table('cutover_change')} (${cutoverChanges.columns})
       select ${cutoverChanges.values} from jsonb_to_recordset($1::jsonb) as x(${cutoverChanges.definition})
       on conflict (target_kind, target_realm, sequence) do nothing`,
      [JSON.stringify(rows)],
    );
  }

  /** One skip per user, target and attempt: a fact seen again stays one row. */
  async insertResetSkips(rows: readonly ResetSkipRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.runner.query(
      `insert into ${this.store.table('reset_skip')} (${resetSkips.columns})
       select ${resetSkips.values} from jsonb_to_recordset($1::jsonb) as x(${resetSkips.definition})
       on conflict (sub, target, attempt) do nothing`,
      [JSON.stringify(rows)],
    );
  }

  /** Keyed by the record's place in the ledger: a batch projected again records its dead letters once. */
  async insertDeadLetters(rows: readonly DeadLetterRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.runner.query(
      `insert into ${this.store.table('dead_letter')} (${deadLetters.columns})
       select ${deadLetters.values} from jsonb_to_recordset($1::jsonb) as x(${deadLetters.definition})
       on conflict (topic, partition, "offset") do nothing`,
      [JSON.stringify(rows)],
    );
  }

  private async addTally(deltas: Tally, table: string, first: string, second: string, firstType: string) {
    if (deltas.size === 0) return;
    // Sorted keys: concurrent writers (one per partition set) lock the counter rows in the same order.
    const entries = [...deltas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // Split at the first tab only: a second part may hold one (a cohort's import failure reason).
    const firsts = entries.map(([key]) => key.slice(0, key.indexOf('\t')));
    const seconds = entries.map(([key]) => key.slice(key.indexOf('\t') + 1));
    const amounts = entries.map(([, amount]) => amount);
    const name = this.store.table(table);
    await this.runner.query(
      `insert into ${name} (${first}, ${second}, count)
       select * from unnest($1::${firstType}[], $2::text[], $3::bigint[])
       on conflict (${first}, ${second}) do update set count = ${table}.count + excluded.count`,
      [firsts, seconds, amounts],
    );
    await this.runner.query(
      `delete from ${name} where count = 0 and (${first}, ${second}) in
         (select * from unnest($1::${firstType}[], $2::text[]))`,
      [firsts, seconds],
    );
  }
}

/** Reads the offsets of any projection schema of the database (the live one, when replaying to compare). */
export async function storedPositions(
  db: { query(sql: string, parameters?: unknown[]): Promise<unknown> },
  schema: string,
): Promise<StoredPosition[]> {
  const rows = (await db.query(
    `select topic, partition, next_offset, cluster_id, topic_id from "${schema}".projection_offset`,
  )) as { topic: string; partition: number; next_offset: string; cluster_id: string | null; topic_id: string | null }[];
  return rows.map((r) => ({
    topic: r.topic,
    partition: r.partition,
    next: BigInt(r.next_offset),
    clusterId: r.cluster_id,
    topicId: r.topic_id,
  }));
}
