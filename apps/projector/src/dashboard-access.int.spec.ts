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
    await fixture.publish(syntheticLedger({ users }));
    await fixture.publish([cutoverDecisions(realmName), cutoverDecisions('another-realm').slice(0, 1)]);
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
  async function screenshot(page: Page, name: string): Promise<void> {
    const dir = process.env.DASHBOARD_SCREENSHOTS;
    if (!dir) return;
    await mkdir(dir, { recursive: true });
    await page.screenshot({ path: `${dir}/${name}.png` });
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
      await screenshot(page, 'dashboard-operator');
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
