import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { StoredPositionMismatchError } from '#ledger';
import { projectRoot } from '#stack';
import { syntheticLedger } from '../../../test/support/synthetic-ledger.js';
import { ProjectorFixture } from '../../../test/support/projector-fixture.js';
import { projectUntilCaughtUp, replayProjections } from './projector-app.js';

/** A projection schema that outlived its Kafka topics: the topics were deleted and created again with fewer records. */
describe('projector: stored offsets are tied to the cluster and topic they were read from', () => {
  const fixture = new ProjectorFixture();
  let firstRun = 0;

  beforeAll(async () => {
    await fixture.setUp(2);
    await fixture.publish(syntheticLedger({ users: 300, seed: 11, exportOnly: true }));
    firstRun = (await projectUntilCaughtUp(fixture.config())).run.events;
    await fixture.recreateTopics(2);
    await fixture.publish(syntheticLedger({ users: 40, seed: 12, exportOnly: true }));
  });
  afterAll(() => fixture.tearDown());

  it('records the cluster id and topic id with every stored offset', async () => {
    const rows = await fixture.query<{ cluster_id: string | null; topic_id: string | null }>(
      `select cluster_id, topic_id from $schema.projection_offset`,
    );
    assert.ok(rows.length > 0);
    for (const row of rows) {
      assert.match(row.cluster_id ?? '', /^[\w-]{22}$/, 'a Kafka cluster id');
      assert.match(
        row.topic_id ?? '',
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        'a Kafka topic id',
      );
      assert.notEqual(row.topic_id, '00000000-0000-0000-0000-000000000000', 'not the "no id" value');
    }
  });

  it('refuses the offsets of the deleted topics instead of projecting nothing, naming the topic and both positions', async () => {
    assert.ok(firstRun >= 300, `the first projection read the first topics (${firstRun} facts)`);
    await assert.rejects(projectUntilCaughtUp(fixture.config()), (error: unknown) => {
      assert.ok(error instanceof StoredPositionMismatchError, String(error));
      assert.match(
        error.message,
        new RegExp(
          `^projection schema "${fixture.schema}" holds next offset \\d+ of ${fixture.prefix}\\.(user|control)-events/\\d read from topic id \\S+, but the topic on \\S+ \\(cluster \\S+\\) is topic id \\S+ \\(end \\d+\\): it was deleted and created again; .*\`ledger replay --replace\``,
        ),
      );
      return true;
    });
  });

  it('refuses offsets stored before the ids were recorded that lie beyond the partition end', async () => {
    await fixture.query(`update $schema.projection_offset set cluster_id = null, topic_id = null`);
    await assert.rejects(projectUntilCaughtUp(fixture.config()), (error: unknown) => {
      assert.ok(error instanceof StoredPositionMismatchError, String(error));
      assert.match(error.message, /holds next offset (\d+) of \S+\/\d, beyond the partition's end (\d+) on /);
      const [, next, end] = /next offset (\d+) .* end (\d+) on /.exec(error.message)!;
      assert.ok(BigInt(next!) > BigInt(end!));
      return true;
    });
  });

  it('`ledger project` says so in one line and exits non-zero, printing no figures', () => {
    const result = spawnSync(process.execPath, ['dist/apps/cli/src/main.js', 'project'], {
      cwd: projectRoot,
      env: { ...fixture.env, LEDGER_DEBUG: '' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(result.status, 1, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /^ledger: error: projection schema "\S+" holds next offset \d+ of /);
    assert.doesNotMatch(result.stdout, /Projected/);
  });

  it('replay --compare refuses the live schema’s offsets the same way instead of waiting for records that never come', async () => {
    await assert.rejects(
      replayProjections(fixture.config(), { compare: true }),
      (error: unknown) =>
        error instanceof StoredPositionMismatchError &&
        error.message.startsWith(`projection schema "${fixture.schema}" holds next offset `),
    );
  });

  it('`ledger replay --replace` is the way out: the live schema then holds this ledger, other apps’ tables stay', async () => {
    await fixture.query(`create table $schema.kept_by_another_app (x integer)`);
    const report = await replayProjections(fixture.config(), { replace: true });
    assert.equal(report.replaced, fixture.schema);
    const resumed = await projectUntilCaughtUp(fixture.config());
    assert.equal(resumed.run.events, 0, 'caught up by the replay');
    assert.equal(resumed.metrics.users, 40, 'the users of the recreated topics, not those of the deleted ones');
    const [kept] = await fixture.query<{ found: boolean }>(
      `select to_regclass('$schema.kept_by_another_app') is not null as found`,
    );
    assert.equal(kept!.found, true);
    const schemas = await fixture.query<{ n: number }>(
      `select count(*)::int as n from pg_namespace where nspname like $1`,
      [`${fixture.schema}_replay_%`],
    );
    assert.equal(schemas[0]!.n, 0, 'no replay schema left behind');
  });
});
