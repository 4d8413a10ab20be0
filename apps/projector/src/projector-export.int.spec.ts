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
    const server = await serveProjector(fixture.serveConfig());
    try {
      const get = async (path: string) => {
        const response = await fetch(`${server.url}${path}`);
        assert.equal(response.status, 200, `${path}: ${response.status}`);
        return response;
      };
      const served = (await (await get('/api/metrics/completion')).json()) as CompletionMetrics;
      assert.deepEqual(served, metrics);

      type Page = { items: Record<string, unknown>[]; nextCursor: string | null };
      const firstPage = (await (await get('/api/users?status=disabled&limit=5')).json()) as Page;
      assert.equal(firstPage.items.length, Math.min(5, metrics.byStatus.disabled));
      assert.ok(firstPage.items.every((u) => u.status === 'disabled'));
      // One naming style: the list answers camelCase, like a user's own row.
      assert.ok('mfaRequired' in firstPage.items[0]! && 'poolId' in firstPage.items[0]!);
      assert.ok(Object.keys(firstPage.items[0]!).every((key) => !key.includes('_')));
      assert.ok(firstPage.nextCursor);
      const secondPage = (await (
        await get(`/api/users?status=disabled&limit=5&after=${firstPage.nextCursor}`)
      ).json()) as Page;
      assert.ok(String(secondPage.items[0]!.sub) > String(firstPage.items[4]!.sub));

      const csv = await (await get('/api/users?mfaRequired=true&format=csv')).text();
      const lines = csv.trimEnd().split('\n');
      assert.match(lines[0]!, /^sub,poolId,username,email,/);
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
      const index = (await (await get('/api')).json()) as { endpoints: { method: string; path: string }[] };
      assert.deepEqual(
        index.endpoints.map((e) => `${e.method} ${e.path}`).sort(),
        Object.keys(docs.paths)
          .map((path) => `GET ${path}`)
          .sort(),
      );
      assert.ok(index.endpoints.some((e) => e.path === '/api/users/{sub}'));
    } finally {
      await server.close();
    }
  });

  it('answers 400 with a JSON body naming the parameter for every bad query, and nothing reaches SQL', async () => {
    const server = await serveProjector(fixture.serveConfig());
    try {
      const cases: [string, string][] = [
        ['/api/users?search=%00', 'search'],
        ['/api/users?provider=Goo%00gle', 'provider'],
        ['/api/users?limit=-1', 'limit'],
        ['/api/users?limit=0', 'limit'],
        ['/api/users?limit=100000000000', 'limit'],
        ['/api/users?limit=1&limit=2', 'limit'],
        ['/api/users?minResets=-3', 'minResets'],
        ['/api/users?colour=blue', 'colour'],
        ['/api/users?mfa_required=true', 'mfa_required'],
        ['/api/users?after=not-a-cursor', 'after'],
        [`/api/users?after=${encodeURIComponent("' or 1=1 --")}`, 'after'],
        [`/api/users?status=${encodeURIComponent("exported' or '1'='1")}`, 'status'],
        [`/api/users?active=${encodeURIComponent('true; drop table x')}`, 'active'],
        ['/api/users?format=xml', 'format'],
        ['/api/users/a%00b', 'sub'],
        ['/api/users/some-sub?verbose=1', 'verbose'],
        ['/api/metrics/completion?since=yesterday', 'since'],
        ['/api/metrics/burn-down?limit=5', 'limit'],
        ['/api?x=1', 'x'],
      ];
      for (const [path, parameter] of cases) {
        const response = await fetch(`${server.url}${path}`);
        assert.equal(response.status, 400, `${path}: ${response.status}`);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/, path);
        const body = (await response.json()) as { statusCode: number; parameter: string; message: string };
        assert.equal(body.statusCode, 400, path);
        assert.equal(body.parameter, parameter, path);
        assert.ok(body.message.startsWith(`${parameter} `), `${path}: ${body.message}`);
      }
      // Text that looks like SQL is only a search: a parameter, matching nobody, the table untouched.
      const injected = await fetch(
        `${server.url}/api/users?search=${encodeURIComponent("x'; drop table migration_user; --")}`,
      );
      assert.equal(injected.status, 200);
      assert.deepEqual(await injected.json(), { items: [], nextCursor: null });
      const [row] = await fixture.query<{ n: number }>(`select count(*)::int as n from $schema.migration_user`);
      assert.equal(row!.n, users);
    } finally {
      await server.close();
    }
  });
});
