import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';

/**
 * JSON with every object's keys sorted by UTF-16 code units, numbers and strings as JSON.stringify
 * writes them: RFC 8785's canonical form for the values a row holds (finite numbers, well-formed
 * text; the unit spec holds it equal to `canonicalize` on any JSON value). Not `canonicalize`
 * itself, which the content hash uses: over a replay's million rows it was two fifths of the
 * digest's time, this one less than half of that.
 */
export const canonicalRowJson = configure({ deterministic: true, circularValue: Error });

/**
 * The value kinds whose text PostgreSQL normalises on the way in: a time is stored as an instant
 * (`…T10:00:00Z` and `…T10:00:00.000Z` are one value), a uuid in lower case, a bigint as a number
 * sent as text. Every other column (text, integer, boolean, date, jsonb, text[]) reads back as it
 * was written, jsonb up to key order, which the canonical JSON removes.
 */
export type NormalisedKind = 'timestamptz' | 'uuid' | 'bigint';

export interface ProjectionTable {
  readonly table: string;
  /** Properties (as the rows are keyed) of the columns whose values are normalised, by kind. */
  readonly normalised: Readonly<Record<string, NormalisedKind>>;
}

/**
 * Every table that holds projected state, in digest order; offsets are bookkeeping, not state.
 * Declared here rather than read from the entities because the auditor's verifier computes the
 * same digest without TypeORM; projection-row-digest.unit.spec.ts holds it equal to the entities.
 */
export const projectionTables: readonly ProjectionTable[] = [
  {
    table: 'migration_user',
    normalised: {
      mfaReenrolledAt: 'timestamptz',
      exportedAt: 'timestamptz',
      importedAt: 'timestamptz',
      importFailedAt: 'timestamptz',
      passwordMigratedAt: 'timestamptz',
      migratedAt: 'timestamptz',
      lastResetAt: 'timestamptz',
      sourceUpdatedAt: 'timestamptz',
    },
  },
  { table: 'id_translation', normalised: { importedAt: 'timestamptz' } },
  { table: 'progress_counter', normalised: { count: 'bigint' } },
  { table: 'daily_progress', normalised: { count: 'bigint' } },
  { table: 'user_event', normalised: { eventId: 'uuid', time: 'timestamptz', offset: 'bigint' } },
  { table: 'export_run', normalised: { runId: 'uuid', startedAt: 'timestamptz', completedAt: 'timestamptz' } },
  {
    table: 'bridge_traffic',
    normalised: { eventId: 'uuid', instance: 'uuid', intervalStart: 'timestamptz', intervalEnd: 'timestamptz' },
  },
  { table: 'cutover_change', normalised: { eventId: 'uuid', decidedAt: 'timestamptz' } },
  { table: 'reset_skip', normalised: { eventId: 'uuid', skippedAt: 'timestamptz' } },
  { table: 'dead_letter', normalised: { offset: 'bigint', eventId: 'uuid', time: 'timestamptz' } },
  { table: 'criteria_daily', normalised: { count: 'bigint' } },
];

export type ProjectionTableName =
  | 'migration_user'
  | 'id_translation'
  | 'progress_counter'
  | 'daily_progress'
  | 'user_event'
  | 'export_run'
  | 'bridge_traffic'
  | 'cutover_change'
  | 'reset_skip'
  | 'dead_letter'
  | 'criteria_daily';

const byName = new Map(projectionTables.map((t) => [t.table, t]));

/**
 * The hex SHA-256 of one row as the projection holds it: its non-null values, normalised by kind,
 * as RFC 8785 canonical JSON keyed by property. A row read back from PostgreSQL and the row the
 * projection wrote hash alike, so the digest is defined by the rows, not by PostgreSQL's text of
 * them (the auditor's verifier has no PostgreSQL).
 */
export function projectionRowHash(table: ProjectionTableName, row: object): string {
  const normalised = byName.get(table)!.normalised;
  const values: Record<string, unknown> = {};
  for (const [property, value] of Object.entries(row)) {
    if (value === null || value === undefined) continue;
    const kind = normalised[property];
    values[property] =
      kind === 'timestamptz'
        ? instant(value as string)
        : kind === 'uuid'
          ? String(value).toLowerCase()
          : kind === 'bigint'
            ? String(value)
            : value;
  }
  return createHash('sha256').update(canonicalRowJson(values)!).digest('hex');
}

/** Already `toISOString`'s form (as every time read back from PostgreSQL is): left as it is, not parsed again. */
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function instant(time: string): string {
  return isoInstant.test(time) ? time : new Date(time).toISOString();
}

export interface TableDigest {
  readonly table: string;
  readonly rows: number;
  readonly digest: string;
}

/** A table's digest: SHA-256 over its rows' hashes in ascending order, one per line (no key order, no collation). */
export function tableDigest(table: string, rowHashes: string[]): TableDigest {
  rowHashes.sort();
  const hash = createHash('sha256');
  for (const row of rowHashes) hash.update(`${row}\n`);
  return { table, rows: rowHashes.length, digest: hash.digest('hex') };
}

/** A table's line as `ledger replay` and the auditor's verifier print it, so that the two compare line by line. */
export function formatTableDigest(t: TableDigest): string {
  return `  ${t.table.padEnd(18)} ${String(t.rows).padStart(9)} rows  ${t.digest}`;
}

/** `sha256:` and the SHA-256 over `table:digest` lines in `projectionTables` order: equal digests, equal projections. */
export function projectionDigest(tables: readonly TableDigest[]): string {
  const overall = createHash('sha256');
  for (const t of tables) overall.update(`${t.table}:${t.digest}\n`);
  return `sha256:${overall.digest('hex')}`;
}
