import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { kafkaConfig } from '#config';
import { contentHash, createEvent, eventCatalog, type EventData, type LedgerEvent } from '#events';
import { decodeRecord } from '#ledger';
import { openProjectionDataSource, projectionSnapshot } from '#projections';
import { goldenRecords, type GoldenRecord } from '../../../test/support/golden-records.js';
import { publishRawRecords } from '../../../test/support/publish-raw-records.js';
import { foldLedger } from '../../../test/support/memory-fold.js';
import { ProjectorFixture } from '../../../test/support/projector-fixture.js';
import { projectUntilCaughtUp, replayProjections } from './projector-app.js';

/**
 * The golden records (libs/events/test/golden/) are one ledger written across the project's
 * history: every type at every version, each record's bytes as its writer put them. Replayed
 * into an empty schema, it must give the projection of the same facts written today (current
 * version, canonical values), projected live: an old version may never drop, change or
 * dead-letter a fact. One thing differs by nature: a fact whose data gained a field by upcasting
 * (FederationRebound v1 without cognitoProvider) has other bytes, hence another content hash,
 * written at v1 than at v2; the history row keeps the hash of the bytes the ledger holds.
 */
describe('projector: a ledger of every frozen old version replays to the projection of the same facts written today', () => {
  const fixture = new ProjectorFixture();
  const golden = goldenRecords();

  beforeAll(() => fixture.setUp());
  afterAll(async () => {
    // The replay is kept for the comparison (`keep`), also when the test fails half-way.
    const { rows } = await fixture.db.query<{ nspname: string }>(
      `select nspname from pg_namespace where starts_with(nspname, $1)`,
      [`${fixture.schema}_replay_`],
    );
    for (const { nspname } of rows) await fixture.db.query(`drop schema if exists "${nspname}" cascade`);
    await fixture.tearDown();
  });

  const topicOf = (type: string) =>
    eventCatalog[type as keyof typeof eventCatalog].stream === 'user'
      ? fixture.ledger.topics.userEvents
      : fixture.ledger.topics.controlEvents;

  it('every table equal; history rows equal but for the content hash of the facts upcasting changed', async () => {
    // The ledger as written, byte for byte.
    await publishRawRecords(
      kafkaConfig(fixture.env),
      golden.map((g) => ({ topic: topicOf(g.type), key: g.key, headers: g.headers, value: g.value })),
    );
    const replay = await replayProjections(fixture.config(), { keep: true });
    const deadLettered: string[] = [];
    await fixture.ledger.scan([fixture.ledger.topics.deadLetter], (r) => {
      deadLettered.push(`${r.headers['ce_type']}: ${r.headers['dlq-reason']}`);
    });
    assert.deepEqual(deadLettered, [], 'an old version was dead-lettered');
    assert.equal(replay.run.deadLettered, 0);
    assert.equal(replay.run.events, golden.length);
    // Every old version folded in memory, as the auditor's verifier folds it: the replay's digest.
    const topics = [fixture.ledger.topics.userEvents, fixture.ledger.topics.controlEvents];
    const folded = await foldLedger(fixture.ledger, topics);
    assert.deepEqual(folded.tables, replay.replay.tables);
    assert.equal(folded.digest, replay.replay.digest);

    // The same facts written today, in the same order, on a ledger of the same name.
    const decoded = golden.map((g) => decodeRecord(recordOf(g)));
    const today = decoded.map(
      (e) =>
        createEvent(e.type, e.data as EventData<typeof e.type>, {
          source: e.source,
          correlationId: e.correlationid,
          ...(e.causationid ? { causationId: e.causationid } : {}),
          time: new Date(e.time),
        }) as LedgerEvent,
    );
    assert.deepEqual(
      today.map((e) => e.id),
      decoded.map((e) => e.id),
    );
    await fixture.recreateTopics();
    await fixture.publish([today]);
    const live = await projectUntilCaughtUp(fixture.config());
    assert.equal(live.run.deadLettered, 0);
    assert.equal(live.run.events, golden.length);

    const dataSource = await openProjectionDataSource(fixture.config().database.url, fixture.schema);
    try {
      const [replayed, projected] = [
        await projectionSnapshot(dataSource, replay.schema),
        await projectionSnapshot(dataSource, fixture.schema),
      ];
      assert.equal(replayed.digest, replay.replay.digest);
      for (const table of projected.tables) {
        const other = replayed.tables.find((t) => t.table === table.table)!;
        assert.equal(other.rows, table.rows, `${table.table}: rows`);
        if (table.table !== 'user_event') assert.equal(other.digest, table.digest, `${table.table}: digest`);
      }

      const history = async (schema: string) =>
        (await dataSource.query(
          `select event_id, content_hash, sub, type, time, source, correlation_id, topic, partition, "offset", data
           from "${schema}".user_event order by event_id`,
        )) as { event_id: string; content_hash: string }[];
      const [before, now] = [await history(replay.schema), await history(fixture.schema)];
      const withoutHash = (rows: { content_hash: string }[]) => rows.map(({ content_hash: _, ...row }) => row);
      assert.deepEqual(withoutHash(before), withoutHash(now));
      const changed = before.filter((row, i) => row.content_hash !== now[i]!.content_hash).map((row) => row.event_id);
      const upcast = decoded.filter((e) => contentHash(e.data) !== e.contenthash).map((e) => e.id);
      assert.deepEqual(changed.sort(), upcast.sort());
      assert.deepEqual(
        decoded.filter((e) => upcast.includes(e.id)).map((e) => `${e.type} v${e.schemaversion}`),
        ['FederationRebound v1'],
      );
    } finally {
      await dataSource.destroy();
    }

    // Bob's four links, one of each FederationRebound shape ever written, all count: he is migrated.
    for (const schema of [replay.schema, fixture.schema]) {
      const [bob] = (
        await fixture.db.query<{ status: string; rebound_providers: string[] }>(
          `select status, rebound_providers from "${schema}".migration_user where source_status = 'EXTERNAL_PROVIDER'`,
        )
      ).rows;
      assert.equal(bob?.status, 'migrated', schema);
      assert.deepEqual(bob?.rebound_providers, ['Facebook', 'Google', 'LoginWithAmazon', 'SignInWithApple']);
    }
    for (const provider of live.metrics.federation)
      assert.equal(provider.rebound, provider.expected, provider.provider);
  });
});

function recordOf(g: GoldenRecord) {
  return { topic: 'golden', partition: 0, offset: '0', key: g.key, value: g.value, headers: g.headers };
}
