import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import type { CompletionMetrics } from '#projections';
import { generateSyntheticPool } from '#stack';
import { syntheticLedger } from '../../../test/support/synthetic-ledger.js';
import { ProjectorFixture } from '../../../test/support/projector-fixture.js';
import { projectUntilCaughtUp, serveProjector } from './projector-app.js';

const users = 1000;

describe('projector: the export of 1,000 seeded users', () => {
  const fixture = new ProjectorFixture();
  const pool = generateSyntheticPool({ users, seed: 1, poolId: 'us-east-1_Synth01' });
  let metrics: CompletionMetrics;

  beforeAll(async () => {
    await fixture.setUp();
    await fixture.publish(syntheticLedger({ users, exportOnly: true }));
    metrics = (await projectUntilCaughtUp(fixture.config())).metrics;
  });
  afterAll(() => fixture.tearDown());

  it('counts every user once, by status, with MFA and federated links as Cognito had them', () => {
    const enabled = pool.users.filter((u) => u.enabled).length;
    assert.equal(metrics.users, users);
    assert.equal(metrics.byStatus.exported, enabled);
    assert.equal(metrics.byStatus.disabled, users - enabled);
    assert.equal(metrics.active, enabled);
    assert.equal(metrics.migrated, 0);
    assert.equal(metrics.pctMigrated, 0);
    assert.equal(metrics.mfa.required, pool.users.filter((u) => u.mfa.sms || u.mfa.totp).length);
    const google = pool.users.filter((u) => (u.attributes.identities ?? '').includes('"Google"')).length;
    assert.equal(metrics.federation.find((f) => f.provider === 'Google')?.expected, google);
  });

  it('keeps one row per sub with the fields the JIT bridge looks users up by', async () => {
    const [row] = await fixture.query<{ n: number; emails: number; lower: number }>(
      `select count(*)::int as n, count(email)::int as emails, count(*) filter (where email = lower(email))::int as lower
       from $schema.migration_user`,
    );
    assert.equal(row!.n, users);
    assert.equal(row!.lower, row!.emails);
    const sample = pool.users[0]!;
    const [found] = await fixture.query<{ sub: string }>(`select sub from $schema.migration_user where username = $1`, [
      sample.username,
    ]);
    assert.equal(found?.sub, sample.sub);
  });

  it('gives the same numbers from the maintained counters as from the analysts’ SQL views', async () => {
    const [view] = await fixture.query<Record<string, string>>(`select * from $schema.completion_metrics`);
    assert.equal(Number(view!.users), metrics.users);
    assert.equal(Number(view!.exported), metrics.byStatus.exported);
    assert.equal(Number(view!.disabled), metrics.byStatus.disabled);
    assert.equal(Number(view!.mfa_required), metrics.mfa.required);
    const federation = await fixture.query<{ provider: string; expected: string; rebound: string }>(
      `select * from $schema.federation_progress order by provider`,
    );
    assert.deepEqual(
      federation.map((f) => [f.provider, Number(f.expected), Number(f.rebound)]),
      metrics.federation.map((f) => [f.provider, f.expected, f.rebound]),
    );
  });

  it('serves the metrics, lists (JSON and CSV), a user’s history, health with lag, and Prometheus metrics', async () => {
    const server = await serveProjector(fixture.config());
    try {
      const get = async (path: string) => {
        const response = await fetch(`${server.url}${path}`);
        assert.equal(response.status, 200, `${path}: ${response.status}`);
        return response;
      };
      const served = (await (await get('/api/metrics/completion')).json()) as CompletionMetrics;
      assert.deepEqual(served, metrics);

      const firstPage = (await (await get('/api/users?status=disabled&limit=5')).json()) as {
        items: { sub: string; status: string }[];
        nextCursor: string | null;
      };
      assert.equal(firstPage.items.length, Math.min(5, metrics.byStatus.disabled));
      assert.ok(firstPage.items.every((u) => u.status === 'disabled'));

      const csv = await (await get('/api/users?mfa_required=true&format=csv')).text();
      const lines = csv.trimEnd().split('\n');
      assert.match(lines[0]!, /^sub,pool_id,username,email,/);
      assert.equal(lines.length - 1, metrics.mfa.required);

      const sub = pool.users[0]!.sub;
      const one = (await (await get(`/api/users/${sub}`)).json()) as {
        user: { sub: string };
        history: { type: string }[];
      };
      assert.equal(one.user.sub, sub);
      assert.deepEqual(
        one.history.map((e) => e.type),
        ['UserExported'],
      );
      assert.equal((await fetch(`${server.url}/api/users/no-such-user`)).status, 404);
      assert.equal((await fetch(`${server.url}/api/users?status=teleported`)).status, 400);

      const ready = (await (await get('/health/ready')).json()) as {
        details: { ledger: { lag: number; partitions: unknown[] } };
      };
      assert.equal(ready.details.ledger.lag, 0);
      assert.equal(ready.details.ledger.partitions.length, 5);
      const prometheus = await (await get('/metrics')).text();
      assert.match(prometheus, /projector_lag\{/);
      assert.match(prometheus, /projector_events_total/);
      const docs = (await (await get('/docs-json')).json()) as { paths: Record<string, unknown> };
      assert.ok(docs.paths['/api/metrics/completion']);
    } finally {
      await server.close();
    }
  });
});
