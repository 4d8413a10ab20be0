import type { DataSource } from 'typeorm';
import { quoteIdentifier } from '../schema-name.js';
import { opaqueCursor, openedCursor } from './opaque-cursor.js';

/**
 * Why a user is stuck, as the ledger records it: `import-failed` (the target refused the import,
 * with its reason, and no import succeeded since) or `dead-letter` (a fact about them was refused
 * by the projector and sent to the dead-letter topic). A user can be listed once per cause.
 */
export const stuckKinds = ['import-failed', 'dead-letter'] as const;
export type StuckKind = (typeof stuckKinds)[number];

export interface StuckUserFilter {
  readonly kind?: StuckKind;
  /** The reason starts with this. */
  readonly reason?: string;
}

/** Where a page ends: the listing's order is kind, sub, then `ref`. */
export interface StuckUserPosition {
  readonly kind: StuckKind;
  readonly sub: string;
  /** `topic/partition/offset` of a dead letter; empty for an import failure. */
  readonly ref: string;
}

export interface StuckUserRow extends StuckUserPosition {
  readonly reason: string;
  /** When: the failed import, or the dead-lettered fact's time. */
  readonly since: Date | null;
  /** A dead letter's fact type and id; null for an import failure. */
  readonly factType: string | null;
  readonly eventId: string | null;
  readonly status: string | null;
  /** Personal: operators only (the API nulls them for viewers). */
  readonly username: string | null;
  readonly email: string | null;
}

export interface StuckUserPage {
  readonly items: StuckUserRow[];
  readonly nextCursor: string | null;
}

/**
 * The stuck and failed users, one page at a time in (kind, sub, ref) order: keyset pagination
 * over the failed imports of `migration_user` (a partial index holds them) and the rows of
 * `dead_letter`.
 */
export class StuckUserQueries {
  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
  ) {}

  async page(filter: StuckUserFilter, after: StuckUserPosition | null, limit: number): Promise<StuckUserPage> {
    const s = quoteIdentifier(this.schema);
    const reasonPrefix = filter.reason === undefined ? null : `${filter.reason.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const items: StuckUserRow[] = await this.db.query(
      `with stuck as (
         select 'import-failed'::text as kind, sub, ''::text as ref,
                coalesce(last_import_failure, 'no reason given') as reason, import_failed_at as since,
                null::text as fact_type, null::text as event_id
           from ${s}.migration_user where status = 'import-failed'
         union all
         select 'dead-letter', sub, topic || '/' || partition || '/' || "offset", reason, time, type, event_id::text
           from ${s}.dead_letter
       ), page as (
         select * from stuck t
          where ($1::text is null or t.kind = $1)
            and ($2::text is null or t.reason like $2)
            and ($3::text is null or (t.kind, t.sub, t.ref) > ($3, $4::text, $5::text))
          order by t.kind, t.sub, t.ref
          limit $6
       )
       -- The users' columns for the page's rows only, not for every stuck row before the limit.
       select t.kind, t.sub, t.ref, t.reason, t.since, t.fact_type as "factType", t.event_id as "eventId",
              u.status, u.username, u.email
         from page t left join ${s}.migration_user u on u.sub = t.sub
        order by t.kind, t.sub, t.ref`,
      [filter.kind ?? null, reasonPrefix, after?.kind ?? null, after?.sub ?? null, after?.ref ?? null, limit + 1],
    );
    const more = items.length > limit;
    if (more) items.pop();
    const last = items[items.length - 1];
    return { items, nextCursor: more && last ? stuckUserCursor(last) : null };
  }
}

/** The opaque cursor of a page (`opaqueCursor` of `{"kind","sub","ref"}`), as for the user list. */
export function stuckUserCursor(position: StuckUserPosition): string {
  const { kind, sub, ref } = position;
  return opaqueCursor({ kind, sub, ref });
}

/** The position a cursor continues after, or null when it is not one `stuckUserCursor` made. */
export function stuckUserPosition(cursor: string): StuckUserPosition | null {
  const fields = openedCursor(cursor, ['kind', 'sub', 'ref'], 2048);
  if (fields === null || !stuckKinds.includes(fields.kind as StuckKind) || fields.sub.length === 0) return null;
  return { kind: fields.kind as StuckKind, sub: fields.sub, ref: fields.ref };
}
