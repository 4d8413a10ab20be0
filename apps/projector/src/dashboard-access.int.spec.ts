import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { CookieJar } from 'tough-cookie';
import { keycloakConfig } from '#config';
import { criterionIds } from '#domain';
import { createEvent, type LedgerEvent } from '#events';
import {
  BrowserSession,
  dashboardRoles,
  ensureDashboardAccess,
  ensureDirectGrantClient,
  KeycloakRealm,
  signInThroughLoginPage,
} from '#keycloak';
import { keycloakAdminLogin } from '#stack';
import { launchChromium, withPage } from '../../../test/support/chromium.js';
import { ProjectorFixture } from '../../../test/support/projector-fixture.js';
import { syntheticLedger } from '../../../test/support/synthetic-ledger.js';
import { projectUntilCaughtUp, serveProjector } from './projector-app.js';

/*
 * Who may read the query API, against the real Keycloak of the local stack: a throwaway realm
 * with the dashboard's client and roles (`ensureDashboardAccess`, run twice), three users (a
 * viewer, an operator, one without a role), tokens from Keycloak's token endpoint, and the page's
 * sign-in through Keycloak's login page at HTTP level.
 */

const run = randomUUID().slice(0, 8);
const realmName = `test-dashboard-${run}`;
const clientId = 'migration-dashboard';
const password = `Dash-${randomBytes(9).toString('base64url')}!1`;
const users = 200;

/** Two decisions on this realm's cutover: the reconciler's, then an operator's override. */
function cutoverDecisions(realm: string): LedgerEvent[] {
  const target = { kind: 'keycloak' as const, realm };
  const context = (time: string) => ({ source: '/test/dashboard', correlationId: randomUUID(), time: new Date(time) });
  const met = { value: 7, threshold: 7, comparison: 'at-least' as const, unit: 'days', met: true };
  return [
    createEvent(
      'CutoverPhaseChanged',
      {
        target,
        sequence: 1,
        from: 'parallel-run',
        to: 'target-writes',
        by: 'reconciler',
        operator: null,
        reason: 'every criterion of parallel-run held',
        override: false,
        decidedAt: '2026-11-20T10:00:00.000Z',
        criteria: [{ id: 'observation-window', ...met }],
      },
      context('2026-11-20T10:00:00.000Z'),
    ),
    createEvent(
      'CutoverPhaseChanged',
      {
        target,
        sequence: 2,
        from: 'target-writes',
        to: 'cognito-read-only',
        by: 'operator',
        operator: 'alice',
        reason: 'freeze agreed with support',
        override: true,
        decidedAt: '2026-11-22T09:30:00.000Z',
        criteria: [
          { id: 'observation-window', ...met },
          { id: 'bridge-error-rate', value: null, threshold: 0.01, comparison: 'at-most', unit: 'share', met: false },
        ],
      },
      context('2026-11-22T09:30:00.000Z'),
    ),
  ];
}

/**
 * Facts for the long-tail pipeline and the stuck users: two skipped resets (control topic) and an
 * import into another target account for a user already imported, which the domain refuses (the
 * projector dead-letters it with the reason).
 */
function stuckAndSkipped(subs: readonly string[]): LedgerEvent[] {
  const target = { kind: 'keycloak' as const, realm: 'migration' };
  const context = { source: '/test/dashboard', correlationId: randomUUID(), time: new Date('2026-11-25T12:00:00Z') };
  return [
    createEvent('ResetSkipped', { sub: subs[0]!, target, attempt: 1, reason: 'no-email' }, context),
    createEvent('ResetSkipped', { sub: subs[1]!, target, attempt: 2, reason: 'disabled-in-target' }, context),
    createEvent(
      'UserImported',
      {
        sub: subs[2]!,
        target,
        targetUserId: 'another-target-user',
        outcome: 'created',
        matchedBy: null,
        requiredActions: [],
        needsPasswordMigration: true,
        loginName: 'someone-else',
        treatment: 'password-via-bridge',
        adjustments: [],
      },
      context,
    ),
  ];
}

interface RouteBurnDownAnswer {
  days: {
    day: string;
    jit: number;
    reset: number;
    federation: number;
    jitTotal: number;
    resetTotal: number;
    federationTotal: number;
    exportedTotal: number;
    notYetMigrated: number;
  }[];
  projection: { projectedDoneAt: string | null; basis: string; needed: number; perDay: number };
}

interface PipelineAnswer {
  due: { users: number; disabledInCognito: number };
  sent: { attempts: number; users: number; awaiting: number };
  completed: number;
  skipped: { reason: string; attempts: number; users: number }[];
  bounces: { recorded: boolean; count: number | null };
}

interface StuckAnswer {
  items: {
    kind: string;
    sub: string;
    ref: string;
    reason: string;
    factType: string | null;
    username: string | null;
    email: string | null;
  }[];
  nextCursor: string | null;
}

interface DoneStatusAnswer {
  cutover: { phase: string };
  criteria: { id: string; value: number | null; threshold: number; met: boolean }[];
  readiness: { next: string | null; criteria: { id: string }[]; blocking: { id: string }[] };
  projectedDoneAt: string | null;
  timeline: { sequence: number; decidedBy: string; operator: string | null; override: boolean; reason: string }[];
}

describe('the query API and the dashboard sign-in on real Keycloak', () => {
  const fixture = new ProjectorFixture();
  const env = { ...fixture.env, KEYCLOAK_REALM: realmName };
  let realm: KeycloakRealm;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  /** Two users with a skipped reset, then one with a refused (dead-lettered) import. */
  const stuckSubs: string[] = [];
  const tokens: Record<'viewer' | 'operator' | 'nobody' | 'otherClient', string> = {
    viewer: '',
    operator: '',
    nobody: '',
    otherClient: '',
  };

  async function tokenOf(username: string, client = clientId): Promise<string> {
    const response = await fetch(`${keycloakConfig(env).url}/realms/${realmName}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: client, username, password, scope: 'openid' }),
    });
    assert.equal(response.status, 200, `token of ${username}: ${await response.clone().text()}`);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });

  beforeAll(async () => {
    realm = new KeycloakRealm(keycloakConfig(env), await keycloakAdminLogin(env));
    await realm.call('realm creation', (c) => c.realms.create({ realm: realmName, enabled: true }));
    await fixture.setUp();
    const ledger = [...syntheticLedger({ users })];
    await fixture.publish(ledger);
    await fixture.publish([cutoverDecisions(realmName), cutoverDecisions('another-realm').slice(0, 1)]);
    // The third user must have been imported for a second import to conflict.
    const imported = ledger.filter((facts) => facts.some((e) => e.type === 'UserImported')).map((f) => f[0]!.subject);
    stuckSubs.push(ledger[0]![0]!.subject, ledger[1]![0]!.subject, imported[0]!);
    await fixture.publish([stuckAndSkipped(stuckSubs)]);
    await projectUntilCaughtUp(fixture.config());
    server = await serveProjector(fixture.serveConfig({ DASHBOARD_ACCESS: 'keycloak', KEYCLOAK_REALM: realmName }));
    const settings = {
      clientId,
      redirectUris: [`${server.url}/dashboard/callback`],
      postLogoutRedirectUris: [`${server.url}/dashboard`],
    };
    await ensureDashboardAccess(realm, settings);
    await ensureDashboardAccess(realm, settings); // idempotent
    await ensureDirectGrantClient(realm, 'another-app');
    for (const [username, role] of [
      ['viewer', dashboardRoles.viewer],
      ['operator', dashboardRoles.operator],
      ['nobody', null],
    ] as const) {
      const { id } = await realm.call('user creation', (c) =>
        c.users.create({
          username,
          enabled: true,
          email: `${username}.${run}@example.org`,
          emailVerified: true,
          firstName: username,
          lastName: 'Example',
          credentials: [{ type: 'password', value: password, temporary: false }],
        }),
      );
      if (role) {
        const representation = await realm.call('role lookup', (c) => c.roles.findOneByName({ name: role }));
        await realm.call('role mapping', (c) =>
          c.users.addRealmRoleMappings({ id, roles: [{ id: representation!.id!, name: role }] }),
        );
      }
      tokens[username] = await tokenOf(username);
    }
    tokens.otherClient = await tokenOf('operator', 'another-app');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await realm?.call('realm deletion', (c) => c.realms.del({ realm: realmName })).catch(() => undefined);
    await fixture.tearDown();
  });

  it('answers 401 in JSON without a token, or with one it does not accept, naming why', async () => {
    for (const [token, reason] of [
      [undefined, /sign in/],
      ['not-a-jwt', /malformed/],
      [`${tokens.operator.slice(0, -4)}AAAA`, /signature/],
      [tokens.otherClient, /claim aud/],
    ] as const) {
      const response = await get('/api/metrics/completion', token);
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer');
      const body = (await response.json()) as { statusCode: number; message: string };
      assert.equal(body.statusCode, 401);
      assert.match(body.message, reason);
      assert.ok(!body.message.includes(tokens.operator.slice(0, 20)), 'the token is not echoed');
    }
    assert.equal((await get('/api/users', undefined, { authorization: 'Basic dXNlcjpwdw==' })).status, 401);
  });

  it('answers 403 in JSON to a user without a dashboard role', async () => {
    const response = await get('/api/metrics/completion', tokens.nobody);
    assert.equal(response.status, 403);
    assert.deepEqual(await response.json(), {
      statusCode: 403,
      error: 'Forbidden',
      message: 'requires the realm role migration-viewer',
    });
  });

  it('shows a viewer the numbers without personal columns, an operator all of them and the CSV export', async () => {
    const completion = await get('/api/metrics/completion', tokens.viewer);
    assert.equal(completion.status, 200);
    assert.equal(((await completion.json()) as { users: number }).users, users);

    const asViewer = (await (await get('/api/users?limit=50', tokens.viewer)).json()) as {
      items: Record<string, unknown>[];
    };
    assert.equal(asViewer.items.length, 50);
    assert.ok(asViewer.items.every((u) => u.email === null && u.username === null && u.phoneNumber === null));
    const asOperator = (await (await get('/api/users?limit=50', tokens.operator)).json()) as {
      items: Record<string, unknown>[];
    };
    assert.ok(asOperator.items.some((u) => typeof u.email === 'string' && String(u.email).includes('@')));
    assert.deepEqual(
      asViewer.items.map((u) => u.sub),
      asOperator.items.map((u) => u.sub),
    );

    const sub = String(asOperator.items[0]!.sub);
    const one = (await (await get(`/api/users/${sub}`, tokens.viewer)).json()) as {
      user: Record<string, unknown>;
      history: { eventId: string; data: unknown }[];
    };
    assert.equal(one.user.username, null);
    assert.ok(!('state' in one.user));
    assert.ok(one.history.length > 0 && one.history.every((f) => f.eventId && f.data === null));
    const full = (await (await get(`/api/users/${sub}`, tokens.operator)).json()) as {
      history: { data: unknown }[];
    };
    assert.ok(full.history.every((f) => f.data !== null));

    for (const path of ['/api/users?format=csv', '/api/users?search=a']) {
      const refused = await get(path, tokens.viewer);
      assert.equal(refused.status, 403, path);
      assert.match(((await refused.json()) as { message: string }).message, /migration-operator/);
      assert.equal((await get(path, tokens.operator)).status, 200, path);
    }
  });

  it("serves the done criteria, what blocks the next phase and the realm's phase timeline to a viewer", async () => {
    assert.equal((await get('/api/cutover/status')).status, 401);
    assert.equal((await get('/api/cutover/status', tokens.nobody)).status, 403);
    const response = await get('/api/cutover/status', tokens.viewer);
    assert.equal(response.status, 200);
    const status = (await response.json()) as DoneStatusAnswer;
    assert.equal(status.cutover.phase, 'cognito-read-only');
    assert.deepEqual(
      status.criteria.map((c) => c.id),
      [...criterionIds],
    );
    // Leaving cognito-read-only needs every criterion; the blocking ones are exactly the unmet.
    assert.equal(status.readiness.next, 'retire-ready');
    assert.deepEqual(
      status.readiness.blocking.map((c) => c.id),
      status.criteria.filter((c) => !c.met).map((c) => c.id),
    );
    // Only this realm's decisions, in order, with who decided and why.
    assert.deepEqual(
      status.timeline.map((c) => [c.sequence, c.decidedBy, c.operator, c.override, c.reason]),
      [
        [1, 'reconciler', null, false, 'every criterion of parallel-run held'],
        [2, 'operator', 'alice', true, 'freeze agreed with support'],
      ],
    );
  });

  it('serves the cohorts: each split of the users adds up to all of them', async () => {
    const cohorts = (await (await get('/api/metrics/cohorts', tokens.viewer)).json()) as {
      kind: string;
      value: string;
      users: number;
      migrated: number;
    }[];
    const completion = (await (await get('/api/metrics/completion', tokens.viewer)).json()) as {
      users: number;
      migrated: number;
      mfa: { required: number; reenrolled: number };
      federation: { provider: string; expected: number; rebound: number }[];
    };
    for (const kind of ['cognito-status', 'mfa', 'import']) {
      const of = cohorts.filter((c) => c.kind === kind);
      assert.equal(
        of.reduce((sum, c) => sum + c.users, 0),
        completion.users,
        kind,
      );
      assert.equal(
        of.reduce((sum, c) => sum + c.migrated, 0),
        completion.migrated,
        kind,
      );
    }
    const value = (kind: string, v: string) => cohorts.find((c) => c.kind === kind && c.value === v)?.users ?? 0;
    assert.equal(value('mfa', 're-enrolled') + value('mfa', 'needs-re-enrolment'), completion.mfa.required);
    for (const f of completion.federation) {
      assert.equal(value('provider', `${f.provider} rebound`), f.rebound, f.provider);
      assert.equal(
        value('provider', `${f.provider} rebound`) + value('provider', `${f.provider} not rebound yet`),
        f.expected,
      );
    }
  });

  it("serves the burn-down by route: its totals are the burn-down's and the completion's, with the projection's basis", async () => {
    assert.equal((await get('/api/metrics/burn-down/by-route')).status, 401);
    assert.equal((await get('/api/metrics/burn-down/by-route', tokens.nobody)).status, 403);
    const refused = await get('/api/metrics/burn-down/by-route?days=7', tokens.viewer);
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { parameter: string }).parameter, 'days');
    const byRoute = (await (await get('/api/metrics/burn-down/by-route', tokens.viewer)).json()) as RouteBurnDownAnswer;
    const burnDown = (await (await get('/api/metrics/burn-down', tokens.viewer)).json()) as {
      day: string;
      migratedTotal: number;
      exportedTotal: number;
      remaining: number;
    }[];
    const completion = (await (await get('/api/metrics/completion', tokens.viewer)).json()) as {
      migrated: number;
      passwordVia: { jit: number; reset: number };
      resets: { sent: number; users: number };
    };
    // Every day of the burn-down, split three ways, and the same users not migrated yet (the split
    // lists the days someone was exported or migrated; on the others its last totals stand).
    assert.ok(byRoute.days.length > 0);
    for (const day of burnDown) {
      const split = byRoute.days.filter((d) => d.day <= day.day).pop();
      assert.ok(split, day.day);
      assert.equal(split.jitTotal + split.resetTotal + split.federationTotal, day.migratedTotal, day.day);
      assert.equal(split.exportedTotal, day.exportedTotal, day.day);
      assert.equal(split.notYetMigrated, day.remaining, day.day);
    }
    const burnDays = new Set(burnDown.map((d) => d.day));
    assert.ok(byRoute.days.every((d) => burnDays.has(d.day)));
    const last = byRoute.days[byRoute.days.length - 1]!;
    assert.equal(last.jitTotal, completion.passwordVia.jit);
    assert.equal(last.resetTotal, completion.passwordVia.reset);
    assert.equal(last.jitTotal + last.resetTotal + last.federationTotal, completion.migrated);
    assert.ok(last.jitTotal > 0 && last.resetTotal > 0, 'the synthetic ledger migrates by JIT and by reset');
    // The projection is the domain's projectDoneDate, as the done status gives it.
    const status = (await (await get('/api/cutover/status', tokens.viewer)).json()) as DoneStatusAnswer;
    assert.equal((byRoute.projection.projectedDoneAt ?? '').slice(0, 10), (status.projectedDoneAt ?? '').slice(0, 10));
    assert.ok(['reached', 'window-rate', 'no-rate'].includes(byRoute.projection.basis));
  });

  it('serves the long-tail pipeline: sent and completed as the completion counts them, skips by reason, bounces not recorded', async () => {
    assert.equal((await get('/api/resets/pipeline')).status, 401);
    const refused = await get('/api/resets/pipeline?bounces=1', tokens.viewer);
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { parameter: string }).parameter, 'bounces');
    const pipeline = (await (await get('/api/resets/pipeline', tokens.viewer)).json()) as PipelineAnswer;
    const completion = (await (await get('/api/metrics/completion', tokens.viewer)).json()) as {
      passwordVia: { reset: number };
      resets: { sent: number; users: number };
    };
    assert.equal(pipeline.sent.attempts, completion.resets.sent);
    assert.equal(pipeline.sent.users, completion.resets.users);
    assert.equal(pipeline.completed, completion.passwordVia.reset);
    assert.ok(pipeline.sent.awaiting <= pipeline.sent.users);
    assert.deepEqual(pipeline.skipped, [
      { reason: 'disabled-in-target', attempts: 1, users: 1 },
      { reason: 'no-email', attempts: 1, users: 1 },
    ]);
    // No fact of the ledger says an e-mail bounced: no number is made up.
    assert.deepEqual(pipeline.bounces, { recorded: false, count: null });
  });

  it('lists stuck users page by page, filtered and validated, personal columns for the operator only', async () => {
    assert.equal((await get('/api/stuck-users')).status, 401);
    assert.equal((await get('/api/stuck-users', tokens.nobody)).status, 403);
    for (const [query, parameter] of [
      ['kind=bounced', 'kind'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['after=bm90LWEtY3Vyc29y', 'after'],
      ['reason=%00', 'reason'],
      ['fact_type=x', 'fact_type'],
      ['limit=1&limit=2', 'limit'],
    ] as const) {
      const response = await get(`/api/stuck-users?${query}`, tokens.viewer);
      assert.equal(response.status, 400, query);
      const body = (await response.json()) as { parameter: string; message: string };
      assert.equal(body.parameter, parameter, query);
      assert.ok(body.message.startsWith(parameter), body.message);
    }
    const all = (await (await get('/api/stuck-users?limit=200', tokens.viewer)).json()) as StuckAnswer;
    assert.equal(all.nextCursor, null);
    // The failed imports are the users of status import-failed, with the target's reason.
    const failed = (await (await get('/api/users?status=import-failed&limit=1000', tokens.viewer)).json()) as {
      items: { sub: string; lastImportFailure: string }[];
    };
    assert.ok(failed.items.length > 0, 'the synthetic ledger has failed imports');
    assert.deepEqual(
      all.items.filter((i) => i.kind === 'import-failed').map((i) => [i.sub, i.reason]),
      failed.items.map((u) => [u.sub, u.lastImportFailure]),
    );
    const dead = all.items.filter((i) => i.kind === 'dead-letter');
    assert.deepEqual(
      dead.map((i) => [i.sub, i.factType]),
      [[stuckSubs[2], 'UserImported']],
    );
    assert.match(dead[0]!.reason, /another-target-user/);
    assert.ok(all.items.every((i) => i.username === null && i.email === null));
    const filtered = (await (
      await get(`/api/stuck-users?kind=dead-letter&reason=${encodeURIComponent(`user ${stuckSubs[2]}`)}`, tokens.viewer)
    ).json()) as StuckAnswer;
    assert.deepEqual(
      filtered.items.map((i) => i.sub),
      [stuckSubs[2]],
    );
    // Two at a time, the same list.
    const paged: StuckAnswer['items'] = [];
    let after: string | null = null;
    do {
      const query: string = after === null ? 'limit=2' : `limit=2&after=${after}`;
      const page = (await (await get(`/api/stuck-users?${query}`, tokens.viewer)).json()) as StuckAnswer;
      paged.push(...page.items);
      after = page.nextCursor;
    } while (after !== null);
    assert.deepEqual(paged, all.items);
    const asOperator = (await (await get('/api/stuck-users?limit=200', tokens.operator)).json()) as StuckAnswer;
    assert.deepEqual(
      asOperator.items.map((i) => i.sub),
      all.items.map((i) => i.sub),
    );
    assert.ok(asOperator.items.some((i) => typeof i.email === 'string' && i.email.includes('@')));
  });

  it('keeps health, metrics and the index open on loopback', async () => {
    assert.equal((await get('/health/live')).status, 200);
    assert.equal((await get('/metrics')).status, 200);
    assert.equal((await get('/api')).status, 200);
  });

  it("signs the page in through Keycloak's login page (code + PKCE), serves the API to its session, and signs out", async () => {
    const jar = new CookieJar();
    const outcome = await signInThroughLoginPage({
      authorizationUrl: `${server.url}/dashboard/login`,
      username: 'viewer',
      password,
      cookies: jar,
    });
    assert.equal(outcome.kind, 'authorized');
    if (outcome.kind !== 'authorized') return;
    const browser = new BrowserSession(jar);
    const callback = await browser.get(outcome.callbackUrl);
    assert.equal(callback.status, 302);
    assert.equal(callback.location, `${server.url}/dashboard`);
    const cookie = await jar.getCookieString(`${server.url}/api/metrics/completion`);
    assert.match(cookie, /dashboard_session=/);
    const withSession = await get('/api/metrics/completion', undefined, { cookie });
    assert.equal(withSession.status, 200);

    const logout = await fetch(`${server.url}/dashboard/logout`, {
      method: 'POST',
      headers: { cookie },
      redirect: 'manual',
    });
    assert.equal(logout.status, 303);
    assert.match(logout.headers.get('location')!, new RegExp(`/realms/${realmName}/protocol/openid-connect/logout\\?`));
    assert.equal((await get('/api/metrics/completion', undefined, { cookie })).status, 401);
  });

  /** Signs in through Keycloak's login page in Chromium and waits for the dashboard's first render. */
  async function signInInBrowser(page: Page, username: string): Promise<string[]> {
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.url}/dashboard`);
    await page.waitForSelector('#kc-form-login');
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('#kc-login');
    await page.waitForURL(`${server.url}/dashboard`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    return problems;
  }

  /** With DASHBOARD_SCREENSHOTS set to a folder (docs/images/dashboard), the page is saved there at 1280×800. */
  async function screenshot(page: Page, name: string, from?: { first: string; last: string }): Promise<void> {
    const dir = process.env.DASHBOARD_SCREENSHOTS;
    if (!dir) return;
    await mkdir(dir, { recursive: true });
    if (!from) return void (await page.screenshot({ path: `${dir}/${name}.png` }));
    // The panels from `first` to `last`, further down the page, at the page's width.
    const top = (await page.locator(from.first).boundingBox())!.y - 8;
    const last = (await page.locator(from.last).boundingBox())!;
    const height = Math.min(last.y + last.height + 8 - top, 1100);
    await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true, clip: { x: 0, y: top, width: 1280, height } });
  }

  it('in Chromium: a viewer signs in, sees the numbers of the API without e-mails, live, and signs out', async () => {
    browser = await launchChromium();
    await withPage(browser, 'test-output/dashboard', 'viewer', async (page) => {
      const problems = await signInInBrowser(page, 'viewer');
      assert.equal(await page.textContent('[data-testid=role]'), 'viewer');

      const metrics = (await (await get('/api/metrics/completion', tokens.viewer)).json()) as {
        users: number;
        migrated: number;
        active: number;
        byStatus: Record<string, number>;
        passwordVia: { jit: number; reset: number };
        mfa: { required: number; reenrolled: number };
        resets: { sent: number };
      };
      const shown = async (metric: string) =>
        Number((await page.textContent(`[data-metric="${metric}"]`))!.replace(/,/g, ''));
      assert.equal(await shown('users'), metrics.users);
      assert.equal(await shown('migrated'), metrics.migrated);
      assert.equal(await shown('active'), metrics.active);
      assert.equal(await shown('passwordVia.jit'), metrics.passwordVia.jit);
      assert.equal(await shown('passwordVia.reset'), metrics.passwordVia.reset);
      assert.equal(await shown('mfa.required'), metrics.mfa.required);
      assert.equal(await shown('mfa.reenrolled'), metrics.mfa.reenrolled);
      assert.equal(await shown('resets.sent'), metrics.resets.sent);
      for (const [status, count] of Object.entries(metrics.byStatus)) {
        const text = await page.textContent(`[data-testid=statuses] tr[data-status="${status}"] td:last-child`);
        assert.equal(Number(text!.replace(/,/g, '')), count, status);
      }
      const listed = (await (await get('/api/users?limit=25', tokens.viewer)).json()) as { items: { sub: string }[] };
      assert.deepEqual(
        await page.$$eval('[data-testid=users] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-sub'))),
        listed.items.map((u) => u.sub),
      );
      const headers = await page.$$eval('[data-testid=users] th', (cells) => cells.map((c) => c.textContent));
      assert.ok(!headers.includes('e-mail'));
      const cells = await page.$$eval('[data-testid=users] td', (tds) => tds.map((td) => td.textContent ?? ''));
      assert.ok(cells.length > 0 && cells.every((text) => !text.includes('@')), 'no e-mail in the table');

      await page.click('[data-testid=users] tbody tr:first-child');
      await page.waitForSelector('[data-testid=history] tbody tr');
      const history = (await (await get(`/api/users/${listed.items[0]!.sub}`, tokens.viewer)).json()) as {
        history: { eventId: string }[];
      };
      assert.deepEqual(
        await page.$$eval('[data-testid=history] tbody tr td:last-child', (cells) => cells.map((c) => c.textContent)),
        history.history.map((f) => f.eventId),
      );
      // The done criteria and the phase timeline: the API's answer (read before new facts arrive).
      await page.waitForSelector('body[data-aggregates-ready="true"]', { timeout: 20_000 });
      const done = (await (await get('/api/cutover/status', tokens.viewer)).json()) as DoneStatusAnswer;
      assert.equal(await page.textContent('[data-testid=phase]'), done.cutover.phase);
      assert.deepEqual(
        await page.$$eval('[data-testid=criteria] tbody tr', (rows) =>
          rows.map((r) => [
            r.getAttribute('data-criterion'),
            r.getAttribute('data-value'),
            r.getAttribute('data-threshold'),
            r.getAttribute('data-met'),
          ]),
        ),
        done.criteria.map((c) => [c.id, c.value === null ? '' : String(c.value), String(c.threshold), String(c.met)]),
      );
      assert.equal(
        await page.getAttribute('[data-testid=next-phase]', 'data-blocking'),
        done.readiness.blocking.map((c) => c.id).join(','),
      );
      assert.equal(
        (await page.getAttribute('[data-testid=projection]', 'data-at'))!.slice(0, 10),
        (done.projectedDoneAt ?? '').slice(0, 10),
      );
      assert.deepEqual(
        await page.$$eval('[data-testid=timeline] li', (items) =>
          items.map((li) => [li.getAttribute('data-sequence'), li.getAttribute('data-override')]),
        ),
        done.timeline.map((c) => [String(c.sequence), String(c.override)]),
      );
      assert.match(
        (await page.textContent('[data-testid=timeline] li:last-child'))!,
        /operator alice.*override of bridge-error-rate/,
      );

      // The burn-down by route, the long-tail pipeline and the stuck users: the API's answers.
      const byRoute = (await (
        await get('/api/metrics/burn-down/by-route', tokens.viewer)
      ).json()) as RouteBurnDownAnswer;
      const last = byRoute.days[byRoute.days.length - 1]!;
      const routeShown = async (route: string) =>
        Number(
          (await page.textContent(`[data-testid=routes] tr[data-route="${route}"] td:last-child`))!.replace(/,/g, ''),
        );
      assert.equal(await routeShown('jit'), last.jitTotal);
      assert.equal(await routeShown('reset'), last.resetTotal);
      assert.equal(await routeShown('federation'), last.federationTotal);
      assert.equal(await routeShown('not-yet'), last.notYetMigrated);
      assert.deepEqual(
        await page.evaluate(
          () =>
            (globalThis as unknown as { dashboardCharts: { routeBurnDown: { data: number[][] } } }).dashboardCharts
              .routeBurnDown.data,
        ),
        [
          byRoute.days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000),
          byRoute.days.map((d) => d.notYetMigrated),
          byRoute.days.map((d) => d.jitTotal),
          byRoute.days.map((d) => d.resetTotal),
          byRoute.days.map((d) => d.federationTotal),
        ],
      );
      assert.equal(
        (await page.getAttribute('[data-testid=route-projection]', 'data-at'))!.slice(0, 10),
        (byRoute.projection.projectedDoneAt ?? '').slice(0, 10),
      );
      assert.equal(await page.getAttribute('[data-testid=route-projection]', 'data-basis'), byRoute.projection.basis);
      assert.match(
        (await page.textContent('[data-testid=route-basis]'))!,
        /^(Basis: [\d,]+ more active users|The active-migrated threshold)/,
      );
      const pipeline = (await (await get('/api/resets/pipeline', tokens.viewer)).json()) as PipelineAnswer;
      const pipelineShown = async (key: string) =>
        (await page.textContent(`[data-testid=pipeline] tr[data-pipeline="${key}"] td:last-child`))!;
      const number = (text: string) => Number(text.replace(/,/g, ''));
      assert.equal(number(await pipelineShown('due.users')), pipeline.due.users);
      assert.equal(number(await pipelineShown('due.disabledInCognito')), pipeline.due.disabledInCognito);
      assert.equal(number(await pipelineShown('sent.attempts')), pipeline.sent.attempts);
      assert.equal(number(await pipelineShown('sent.users')), pipeline.sent.users);
      assert.equal(number(await pipelineShown('sent.awaiting')), pipeline.sent.awaiting);
      assert.equal(number(await pipelineShown('completed')), pipeline.completed);
      for (const skip of pipeline.skipped)
        assert.equal(await pipelineShown(`skipped.${skip.reason}`), `${skip.attempts} (${skip.users})`);
      assert.equal(await pipelineShown('bounces'), 'not recorded');
      const stuck = (await (await get('/api/stuck-users?limit=25', tokens.viewer)).json()) as StuckAnswer;
      assert.deepEqual(
        await page.$$eval('[data-testid=stuck] tbody tr', (rows) =>
          rows.map((r) => [r.getAttribute('data-kind'), r.getAttribute('data-sub')]),
        ),
        stuck.items.map((i) => [i.kind, i.sub]),
      );
      const stuckHeaders = await page.$$eval('[data-testid=stuck] th', (cells) => cells.map((c) => c.textContent));
      assert.ok(!stuckHeaders.includes('e-mail'));
      // Filtered to the dead letters, a click shows that user's history: the API's.
      await page.selectOption('[data-testid=stuck-filters] select[name=kind]', 'dead-letter');
      await page.click('[data-testid=stuck-filters] button');
      // The unfiltered table holds that row too: wait until the filtered answer has replaced it.
      await page.waitForFunction(() => {
        const rows = (
          globalThis as unknown as {
            document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(name: string): string | null }> };
          }
        ).document.querySelectorAll('[data-testid=stuck] tbody tr');
        return rows.length > 0 && Array.from(rows).every((row) => row.getAttribute('data-kind') === 'dead-letter');
      });
      assert.deepEqual(
        await page.$$eval('[data-testid=stuck] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-sub'))),
        [stuckSubs[2]],
      );
      await page.click(`[data-testid=stuck] tbody tr[data-sub="${stuckSubs[2]}"]`);
      await page.waitForFunction(
        (sub) =>
          (
            globalThis as unknown as { document: { querySelector(s: string): { textContent: string } } }
          ).document.querySelector('[data-testid=history-sub]').textContent === sub,
        stuckSubs[2]!,
      );
      const stuckHistory = (await (await get(`/api/users/${stuckSubs[2]}`, tokens.viewer)).json()) as {
        history: { eventId: string }[];
      };
      assert.deepEqual(
        await page.$$eval('[data-testid=history] tbody tr td:last-child', (cells) => cells.map((c) => c.textContent)),
        stuckHistory.history.map((f) => f.eventId),
      );
      await page.selectOption('[data-testid=stuck-filters] select[name=kind]', '');
      await page.click('[data-testid=stuck-filters] button');
      await page.waitForFunction(
        (count) =>
          (
            globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
          ).document.querySelectorAll('[data-testid=stuck] tbody tr').length === count,
        stuck.items.length,
      );
      await screenshot(page, 'dashboard-viewer');

      // New facts: the page follows without a reload (the marker would not survive one).
      await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 1));
      await fixture.publish(syntheticLedger({ users: 30, seed: 99, exportOnly: true }));
      // Functions, not strings: the page's Content-Security-Policy forbids evaluating strings.
      type Dom = { document: { querySelector(selector: string): { textContent: string } } };
      await page.waitForFunction(
        (before) =>
          Number(
            (globalThis as unknown as Dom).document
              .querySelector('[data-metric="users"]')
              .textContent.replace(/,/g, ''),
          ) > before,
        metrics.users,
        { timeout: 20_000 },
      );
      assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 1);
      const after = (await (await get('/api/metrics/completion', tokens.viewer)).json()) as { users: number };
      await page.waitForFunction(
        (expected) =>
          (globalThis as unknown as Dom).document
            .querySelector('[data-metric="users"]')
            .textContent.replace(/,/g, '') === expected,
        String(after.users),
        { timeout: 10_000 },
      );
      assert.equal(await page.getAttribute('[data-testid=lag]', 'data-lag'), '0');

      await page.click('[data-testid=sign-out]');
      await page.waitForSelector('#kc-form-login');
      assert.equal((await page.context().cookies()).filter((c) => c.name === 'dashboard_session').length, 0);
      assert.deepEqual(problems, []);
    });
  });

  it('in Chromium: an operator sees the e-mail column; a user without a role is refused', async () => {
    await withPage(browser, 'test-output/dashboard', 'operator', async (page) => {
      const problems = await signInInBrowser(page, 'operator');
      assert.equal(await page.textContent('[data-testid=role]'), 'operator');
      const headers = await page.$$eval('[data-testid=users] th', (cells) => cells.map((c) => c.textContent));
      assert.ok(headers.includes('e-mail'));
      const emails = await page.$$eval('[data-testid=users] tbody tr td:nth-child(3)', (cells) =>
        cells.map((c) => c.textContent ?? ''),
      );
      assert.ok(emails.some((e) => e.includes('@')));
      const stuckHeaders = await page.$$eval('[data-testid=stuck] th', (cells) => cells.map((c) => c.textContent));
      assert.ok(stuckHeaders.includes('e-mail'));
      await page.waitForSelector('body[data-aggregates-ready="true"]', { timeout: 20_000 });
      await screenshot(page, 'dashboard-operator');
      await page.waitForSelector('[data-testid=stuck] tbody tr[data-sub]');
      await screenshot(page, 'dashboard-long-tail', {
        first: '.row:has([data-testid=route-burn-down])',
        last: 'section.panel:has([data-testid=stuck])',
      });
      assert.deepEqual(problems, []);
    });
    await withPage(browser, 'test-output/dashboard', 'nobody', async (page) => {
      await page.goto(`${server.url}/dashboard`);
      await page.fill('#username', 'nobody');
      await page.fill('#password', password);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${server.url}/dashboard`),
        page.click('#kc-login'),
      ]);
      assert.equal(response.status(), 403);
      assert.match((await page.textContent('body'))!, /without the realm role migration-viewer/);
    });
  });
});
