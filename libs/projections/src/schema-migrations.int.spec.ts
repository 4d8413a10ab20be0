import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { databaseConfig } from '#config';
import { BridgeTrafficDay } from './bridge-traffic/bridge-traffic-day.entity.js';
import { entityColumns, entityTable } from './entity-columns.js';
import { EventCursorPosition } from './event-cursor/event-cursor-position.entity.js';
import { openPostgres } from './postgres-data-source.js';
import { projectionEntities } from './projection/entities/index.js';
import { ResetAttempt } from './reset-journal/reset-attempt.entity.js';
import { migrateSchema, schemaKinds, type SchemaKind } from './schema-migrations.js';

/** The one migration runner against the real PostgreSQL, in schemas of its own. */
const id = randomBytes(4).toString('hex');
const url = databaseConfig(process.env).url;

const tablesOf: Record<SchemaKind, readonly (abstract new () => unknown)[]> = {
  projection: projectionEntities,
  'bridge-traffic': [BridgeTrafficDay],
  'reset-journal': [ResetAttempt],
  'event-cursor': [EventCursorPosition],
};

/** What each table looked like when the apps created it by hand, before the runner owned it. */
const adHocTables = {
  'bridge-traffic': `create table if not exists $s.bridge_daily_traffic (
      day date primary key, cognito_calls bigint not null default 0, unavailable bigint not null default 0)`,
  'reset-journal': `create table if not exists $s.reset_attempt (
      sub text not null, target text not null, attempt integer not null, reason text not null,
      target_user_id text,
      state text not null check (state in ('intended', 'sent', 'recorded', 'skipped')),
      intended_at timestamptz not null, updated_at timestamptz not null,
      primary key (sub, target, attempt))`,
  'event-cursor': `CREATE TABLE IF NOT EXISTS $s.event_cursor (
      source text PRIMARY KEY, event_time bigint NOT NULL, recent jsonb NOT NULL,
      events_read bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL DEFAULT now())`,
} as const;

describe('migrateSchema: one runner for every schema the product creates', () => {
  let db: DataSource;
  const schemas: string[] = [];
  const fresh = (name: string) => {
    const schema = `test_migrations_${name}_${id}`;
    schemas.push(schema);
    return schema;
  };

  const tables = async (schema: string) =>
    (
      (await db.query(
        `select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'`,
        [schema],
      )) as { table_name: string }[]
    )
      .map((r) => r.table_name)
      .sort();

  const applied = async (schema: string, migrationsTable: string) =>
    (
      (await db.query(`select timestamp::text, name from "${schema}"."${migrationsTable}" order by id`)) as {
        timestamp: string;
        name: string;
      }[]
    ).map((r) => `${r.timestamp} ${r.name}`);

  beforeAll(async () => {
    db = await openPostgres({ url, application: 'test', maxConnections: 2 });
  });

  afterAll(async () => {
    for (const schema of schemas) await db.query(`drop schema if exists "${schema}" cascade`);
    await db.destroy();
  });

  for (const kind of Object.keys(schemaKinds) as SchemaKind[]) {
    it(`creates a fresh ${kind} schema with every table its entities describe, column for column`, async () => {
      const schema = fresh(kind.replace('-', '_'));
      const { migrations, migrationsTable } = schemaKinds[kind];
      const names = await migrateSchema(url, kind, schema);
      assert.deepEqual(
        names,
        migrations.map((m) => m.name),
      );
      const entityTables = tablesOf[kind].map((entity) => entityTable(entity));
      assert.deepEqual(await tables(schema), [...entityTables, migrationsTable].sort());
      for (const entity of tablesOf[kind]) {
        const columns = (await db.query(
          `select column_name, case when data_type = 'ARRAY' then substr(udt_name, 2) || '[]'
                                    when data_type = 'timestamp with time zone' then 'timestamptz'
                                    else udt_name end as type, is_nullable = 'YES' as nullable
             from information_schema.columns where table_schema = $1 and table_name = $2`,
          [schema, entityTable(entity)],
        )) as { column_name: string; type: string; nullable: boolean }[];
        columns.sort((a, b) => (a.column_name < b.column_name ? -1 : 1));
        const declared = entityColumns(entity)
          .map((c) => ({ column_name: c.name, type: pgTypeName(c.sqlType), nullable: c.nullable }))
          .sort((a, b) => (a.column_name < b.column_name ? -1 : 1));
        assert.deepEqual(columns, declared, `${entityTable(entity)}: the entity and the migrations agree`);
      }
      // A second run finds nothing to do and changes nothing.
      assert.deepEqual(await migrateSchema(url, kind, schema), []);
      assert.equal((await applied(schema, migrationsTable)).length, migrations.length);
    });
  }

  it('keeps the projection history existing schemas were created with: names, timestamps, migrations table', async () => {
    const schema = fresh('history');
    await migrateSchema(url, 'projection', schema);
    assert.deepEqual(await applied(schema, 'typeorm_migrations'), [
      '1764400000000 ProjectionTables1764400000000',
      '1764400000001 AnalystViews1764400000001',
      '1764400000002 ProjectionOffsetOrigin1764400000002',
      '1764480000000 ImportRequiredActions1764480000000',
      '1764490000000 TargetDisagreements1764490000000',
      '1764510000000 BridgeTraffic1764510000000',
      '1764520000000 CutoverChanges1764520000000',
      '1764530000000 ResetSkipsAndDeadLetters1764530000000',
      '1764530000001 DashboardCounters1764530000001',
      '1764530000002 LongTailCounters1764530000002',
    ]);
    const views = (await db.query(`select table_name from information_schema.views where table_schema = $1`, [
      schema,
    ])) as { table_name: string }[];
    assert.deepEqual(views.map((v) => v.table_name).sort(), [
      'burn_down',
      'completion_metrics',
      'federation_progress',
      'user_list',
    ]);
  });

  it('adopts the tables earlier versions created by hand, with their rows, and records the migration', async () => {
    const projection = fresh('adopt_projection');
    const journal = fresh('adopt_journal');
    const cursor = fresh('adopt_cursor');
    // As a projection schema of the previous version: its five migrations, and the bridge's table beside them.
    await migrateSchema(url, 'projection', projection);
    const before = await applied(projection, 'typeorm_migrations');
    const adHoc = { 'bridge-traffic': projection, 'reset-journal': journal, 'event-cursor': cursor } as const;
    for (const [kind, schema] of Object.entries(adHoc)) {
      await db.query(`create schema if not exists "${schema}"`);
      await db.query(adHocTables[kind as keyof typeof adHocTables].replace('$s', `"${schema}"`));
    }
    await db.query(`insert into "${projection}".bridge_daily_traffic values ('2026-03-01', 7, 2)`);
    await db.query(
      `insert into "${journal}".reset_attempt values ('sub-1', 'keycloak/acme', 1, 'long tail', 'kc-1', 'sent', now(), now())`,
    );
    await db.query(`insert into "${cursor}".event_cursor (source, event_time, recent) values ('kc/acme', 42, '{}')`);

    for (const [kind, schema] of Object.entries(adHoc) as [keyof typeof adHoc, string][]) {
      const { migrations, migrationsTable } = schemaKinds[kind];
      assert.deepEqual(
        await migrateSchema(url, kind, schema),
        migrations.map((m) => m.name),
      );
      assert.equal((await applied(schema, migrationsTable)).length, 1);
    }
    assert.deepEqual(
      await db.query(
        `select day::text, cognito_calls::int, unavailable::int from "${projection}".bridge_daily_traffic`,
      ),
      [{ day: '2026-03-01', cognito_calls: 7, unavailable: 2 }],
    );
    assert.deepEqual(await db.query(`select sub, state from "${journal}".reset_attempt`), [
      { sub: 'sub-1', state: 'sent' },
    ]);
    assert.deepEqual(await db.query(`select source, event_time::int from "${cursor}".event_cursor`), [
      { source: 'kc/acme', event_time: 42 },
    ]);
    // The projection's own history is untouched: the bridge's migrations are recorded apart.
    assert.deepEqual(await applied(projection, 'typeorm_migrations'), before);
    assert.deepEqual(await migrateSchema(url, 'projection', projection), []);
  });

  it('lets processes that start at once migrate one schema without a race', async () => {
    const schema = fresh('race');
    const runs = await Promise.all([1, 2, 3].map(() => migrateSchema(url, 'projection', schema)));
    assert.deepEqual(runs.map((names) => names.length).sort(), [0, 0, schemaKinds.projection.migrations.length]);
  });
});

/** The type names information_schema reports (`udt_name`), for an entity's declared SQL type. */
function pgTypeName(sqlType: string): string {
  const names: Record<string, string> = { boolean: 'bool', integer: 'int4', bigint: 'int8' };
  return sqlType.endsWith('[]')
    ? `${names[sqlType.slice(0, -2)] ?? sqlType.slice(0, -2)}[]`
    : (names[sqlType] ?? sqlType);
}
