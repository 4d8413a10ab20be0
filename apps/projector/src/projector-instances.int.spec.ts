import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from '@jest/globals';
import type { LedgerEvent } from '#events';
import { freeLoopbackPorts } from '#stack';
import { syntheticLedger } from '../../../test/support/synthetic-ledger.js';
import { ProjectorFixture } from '../../../test/support/projector-fixture.js';
import { projectUntilCaughtUp, replayProjections, serveProjector } from './projector-app.js';

const users = 3000;

/**
 * Several projectors on one projection schema (docs/projections.md, "Several instances"): the
 * partitions are shared through the Kafka consumer group, the offsets live in the schema, and
 * whatever way the partitions move between instances, each fact counts once.
 */
describe('projector: several instances on one schema', () => {
  let fixture: ProjectorFixture;
  const history: LedgerEvent[][] = [...syntheticLedger({ users, seed: 11 })];
  let published = 0;

  beforeEach(async () => {
    fixture = new ProjectorFixture();
    await fixture.setUp();
    published = await fixture.publish(history);
  });
  afterEach(() => fixture.tearDown());

  async function assertProjectedOnce(): Promise<void> {
    const [done] = await fixture.query<{ done: string }>(
      `select sum(next_offset) as done from $schema.projection_offset`,
    );
    assert.ok(Number(done!.done) >= published);
    const replay = await replayProjections(fixture.config(), { compare: true });
    assert.deepEqual(replay.differences, []);
    assert.equal(replay.live?.digest, replay.replay.digest);
  }

  it('two projectors given the same partitions at once (a hand-over while the old owner still writes) count each batch once', async () => {
    // Two groups: each projector is given every partition, so every partition's first batch,
    // before any offset row exists, is written by both at the same moment.
    const [first, second] = await Promise.all([
      projectUntilCaughtUp(fixture.config({ PROJECTOR_GROUP_ID: `${fixture.prefix}-a` })),
      projectUntilCaughtUp(fixture.config({ PROJECTOR_GROUP_ID: `${fixture.prefix}-b` })),
    ]);
    assert.ok(first.run.events + first.run.skipped > 0 && second.run.events + second.run.skipped > 0);
    assert.equal(first.metrics.users, users);
    await assertProjectedOnce();
  });

  it('`ledger project` beside a following instance of the same group ends once the schema holds the ledger', async () => {
    const [port] = await freeLoopbackPorts(1);
    const server = await serveProjector(fixture.serveConfig({ PROJECTOR_PORT: String(port) }));
    try {
      // The same group: the run is given only some partitions; the following instance projects
      // the others, and the run must still see that the schema reached the ledger's end.
      const run = await Promise.race([
        projectUntilCaughtUp(fixture.config()),
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error('`ledger project` beside a following instance never ended')),
            60_000,
          ).unref(),
        ),
      ]);
      assert.equal(run.metrics.users, users);
    } finally {
      await server.close();
    }
    await assertProjectedOnce();
  });
});
