import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, it } from '@jest/globals';
import pg from 'pg';
import { databaseConfig, type Env } from '#config';
import { migrateSchema, schemaKinds, type SchemaKind } from '#projections';
import {
  LocalStack,
  localProfileEnv,
  freeLoopbackPort,
  loopbackPortFree,
  PostgresComponent,
  type SchemaMigrator,
} from './index.js';

/**
 * The quickstart on a machine without a PostgreSQL server: DATABASE_URL unset and nothing on
 * POSTGRES_PORT (a free port stands for a machine where 5432 is empty), so `stack up` starts the
 * embedded server, the product's schemas migrate into it, and `stack down` stops it.
 */
const id = randomBytes(4).toString('hex');
const stackDir = resolve('.stack', `embedded-postgres-test-${id}`);

const productSchemas: readonly SchemaMigrator[] = (Object.keys(schemaKinds) as SchemaKind[]).map((kind) => ({
  name: kind,
  migrate: async (url) => {
    await migrateSchema(url, kind, `quickstart_${kind.replaceAll('-', '_')}`);
  },
}));

describe('embedded PostgreSQL: the quickstart without a server on the machine', () => {
  let env: Env;
  let stack: LocalStack;

  afterAll(async () => {
    await stack?.down();
    await rm(stackDir, { recursive: true, force: true });
  });

  it('stack up starts it, the schemas migrate, the commands find it, stack down stops it', async () => {
    const port = await freeLoopbackPort();
    const withoutUrl: Record<string, string | undefined> = { ...process.env };
    delete withoutUrl.DATABASE_URL;
    env = { ...withoutUrl, LEDGER_PROFILE: 'local', POSTGRES_PORT: String(port), STACK_DIR: stackDir };
    stack = new LocalStack([[new PostgresComponent(env, productSchemas)]]);

    const [before] = await stack.status();
    assert.equal(before!.state, 'down');
    assert.match(before!.detail, /not running \(stack up starts an embedded PostgreSQL/);

    const lines: string[] = [];
    const [outcome] = await stack.up((line) => lines.push(line));
    console.log(`embedded PostgreSQL: cluster created and started in ${outcome!.seconds.toFixed(1)} s`);
    assert.equal(outcome!.status.state, 'up');
    assert.equal(outcome!.wasUp, false);
    assert.match(
      outcome!.status.detail,
      new RegExp(`^127\\.0\\.0\\.1:${port}/migration_ledger \\(embedded PostgreSQL, pid \\d+`),
    );
    assert.ok(
      lines.some((line) => line.includes('creating the embedded PostgreSQL cluster')),
      lines.join('\n'),
    );
    assert.ok(existsSync(resolve(stackDir, 'postgres', 'data', 'PG_VERSION')));

    // A command in another process knows no more than its environment: the local profile's default
    // DATABASE_URL must lead it to this server.
    const url = databaseConfig(localProfileEnv(env)).url;
    assert.equal(url, `postgres://postgres@127.0.0.1:${port}/migration_ledger`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const version = await client.query<{ server_version: string }>('show server_version');
      assert.match(version.rows[0]!.server_version, /^18\./);
      const tables = await client.query<{ table_schema: string; n: string }>(
        `select table_schema, count(*) as n from information_schema.tables
          where table_schema like 'quickstart\\_%' group by table_schema order by table_schema`,
      );
      assert.deepEqual(
        tables.rows.map((row) => row.table_schema),
        ['quickstart_bridge_traffic', 'quickstart_event_cursor', 'quickstart_projection', 'quickstart_reset_journal'],
      );
      for (const row of tables.rows) assert.ok(Number(row.n) >= 2, `${row.table_schema}: ${row.n} tables`);
    } finally {
      await client.end();
    }

    // Idempotent: a second up finds it running.
    const [again] = await stack.up(() => undefined);
    assert.equal(again!.wasUp, true);

    const [after] = await stack.down();
    assert.equal(after!.state, 'down');
    assert.ok(await loopbackPortFree(port), `port ${port} is free again after stack down`);

    // The data survives: the next up restarts the same cluster without creating it again.
    const restartLines: string[] = [];
    const [restarted] = await stack.up((line) => restartLines.push(line));
    assert.equal(restarted!.status.state, 'up');
    assert.ok(!restartLines.some((line) => line.includes('creating')), restartLines.join('\n'));
  });

  it('a set DATABASE_URL always wins: no embedded server is started for it', async () => {
    const port = await freeLoopbackPort();
    const explicit: Env = {
      ...process.env,
      LEDGER_PROFILE: 'local',
      POSTGRES_PORT: String(port),
      STACK_DIR: stackDir,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/migration_ledger`,
    };
    const alone = new LocalStack([[new PostgresComponent(explicit)]]);
    await assert.rejects(
      alone.up(() => undefined),
      /cannot prepare 127\.0\.0\.1:\d+\/migration_ledger \(DATABASE_URL\)/,
    );
    assert.ok(await loopbackPortFree(port));
  });

  const asRoot = userInfo().uid === 0 ? it : it.skip;
  asRoot('as root, a data folder the postgres user cannot enter is named at once, with the fix', async () => {
    const privateDir = await mkdtemp(join(tmpdir(), 'ledger-private-'));
    await chmod(privateDir, 0o700);
    try {
      const withoutUrl: Record<string, string | undefined> = { ...process.env };
      delete withoutUrl.DATABASE_URL;
      const port = await freeLoopbackPort();
      const hidden = new LocalStack([
        [
          new PostgresComponent({
            ...withoutUrl,
            LEDGER_PROFILE: 'local',
            POSTGRES_PORT: String(port),
            STACK_DIR: join(privateDir, '.stack'),
          }),
        ],
      ]);
      const started = performance.now();
      await assert.rejects(
        hidden.up(() => undefined),
        /runs as the user postgres .*cannot enter \S+ \(mode 700\): allow it \(chmod o\+x \S+\)/,
      );
      assert.ok(performance.now() - started < 10_000, 'refused before any initdb, not after a deadline');
      assert.ok(await loopbackPortFree(port));
    } finally {
      await rm(privateDir, { recursive: true, force: true });
    }
  });
});
