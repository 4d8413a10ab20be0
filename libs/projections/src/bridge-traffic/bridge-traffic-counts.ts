import type { DataSource } from 'typeorm';
import { migrateSchema } from '../schema-migrations.js';
import { quoteIdentifier } from '../schema-name.js';

/** The calls of one day to add to what is stored. */
export interface DayTraffic {
  readonly calls: number;
  readonly unavailable: number;
}

/** The bridge's writes to `bridge_daily_traffic` (BridgeTrafficDay); the reconciler reads it through ProjectionReader. */
export class BridgeTrafficCounts {
  constructor(
    private readonly db: DataSource,
    /** The projection schema, where the reconciler reads the projections too. */
    private readonly schema: string,
  ) {}

  private get table(): string {
    return `${quoteIdentifier(this.schema)}.bridge_daily_traffic`;
  }

  /** Creates or brings up to date the table (the bridge's start). */
  async ensure(): Promise<void> {
    await migrateSchema(this.db, 'bridge-traffic', this.schema);
  }

  /** Adds each day's counts to the stored ones, in one statement. */
  async add(days: ReadonlyMap<string, DayTraffic>): Promise<void> {
    if (days.size === 0) return;
    const entries = [...days];
    await this.db.query(
      `insert into ${this.table} as t (day, cognito_calls, unavailable)
       select * from unnest($1::date[], $2::bigint[], $3::bigint[])
       on conflict (day) do update set cognito_calls = t.cognito_calls + excluded.cognito_calls,
                                       unavailable = t.unavailable + excluded.unavailable`,
      [entries.map(([day]) => day), entries.map(([, c]) => c.calls), entries.map(([, c]) => c.unavailable)],
    );
  }
}
