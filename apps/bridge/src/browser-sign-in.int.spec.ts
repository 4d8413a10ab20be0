import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Secret, TOTP } from 'otpauth';
import pg from 'pg';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  cognitoConfig,
  databaseConfig,
  kafkaConfig,
  keycloakConfig,
  loadConfig,
  resetMailConfig,
  stackConfig,
  type Env,
} from '#config';
import { CognitoPoolReader, createCognitoClient, type MeteredCognitoClient } from '#cognito';
import type { UserExportedData } from '#events';
import { PoolExport } from '#exporter';
import { ensurePasswordMigrationStorage, ensureSignInClient, KeycloakRealm } from '#keycloak';
import { Ledger } from '#ledger';
import { projectorSections, projectUntilCaughtUp } from '#projector';
import { ResetMailer } from '#reconciler';
import { startSignInApp, type RunningSignInApp } from '#sign-in-app';
import { CognitoComponent, keycloakAdminLogin, MailCatcher, projectRoot } from '#stack';
import {
  BridgeProxy,
  capturingLogger,
  createBridgePool,
  createPoolUser,
  distinctFacts,
  eventually,
  exportedSubOf,
  importFromLedger,
  launchChromium,
  recordShapedExports,
  signUpUnconfirmed,
  startPoolBridge,
  watcherPass,
  withPage,
} from '#test-support';
import type { RunningBridge } from './bridge-runtime.js';

/*
 * A person at Keycloak's real login page, in a real Chromium, for each thing Cognito can say about
 * their password: users of a cognito-local pool exported, imported (federation-linked to the
 * password-migration component) and projected; the bridge in front of cognito-local, behind a
 * proxy that counts its calls and can play an outage. The client application is the project's
 * sign-in app (apps/sign-in-app: authorization code with PKCE), which shows the ID token's claims.
 */

const run = randomUUID().slice(0, 8);
const schema = `browser_${run}`;
const sharedSecret = randomBytes(24).toString('base64url');
const pw = () => `Cg-${randomBytes(9).toString('base64url')}!9a`;
const outputDir = resolve(projectRoot, 'test-output', 'browser-sign-in');

/** Exported from Cognito as they are. */
const people = { ann: pw(), wes: pw(), ola: pw(), cat: pw(), pol: pw() };
/** Created with a temporary password: FORCE_CHANGE_PASSWORD. */
const temporary = { username: 'tom', password: pw() };
/** Signed up, never confirmed. */
const unconfirmed = { username: 'una', password: pw() };
/** In Cognito with a password; the ledger's export says what the test needs (MFA, disabled, reset required). */
const shaped = {
  mia: { password: pw(), shape: { mfa: { sms: true, totp: null, preferred: 'SMS_MFA' } } },
  dee: { password: pw(), shape: { enabled: false } },
  rex: { password: pw(), shape: { status: 'RESET_REQUIRED' } },
} as const satisfies Record<string, { password: string; shape: Partial<UserExportedData> }>;
/** Created in Keycloak directly, with a password of its own. */
const native = { username: 'nat', password: pw() };
const chosen = { tom: pw(), rex: pw(), pol: `${pw()}${pw()}${pw()}` };
const wrongPassword = pw();

const env: Env = {
  ...process.env,
  KEYCLOAK_REALM: `test-browser-${run}`,
  KAFKA_TOPIC_PREFIX: `test-browser-${run}`,
  COGNITO_ENDPOINT: new CognitoComponent(process.env).endpoint,
  PROJECTION_SCHEMA: schema,
  WATCHER_SCHEMA: `${schema}_watcher`,
  BRIDGE_SHARED_SECRET: sharedSecret,
  BRIDGE_PORT: '0',
  BRIDGE_ATTEMPTS_PER_IP_PER_MINUTE: '100000',
};
const keycloakUrl = keycloakConfig(env).url;
const logLines: string[] = [];
const db = new pg.Client({ connectionString: databaseConfig(env).url });
let cognito: MeteredCognitoClient;
let poolId: string;
let clientId: string;
let realm: KeycloakRealm;
let bridge: RunningBridge | undefined;
let browser: Browser;
let app: RunningSignInApp;
/** Verify calls that reached the bridge, by the `sub` they asked about. */
const verifyCalls = new Map<string, number>();
const proxyMode = { down: false };
/** Between Keycloak and the bridge: counts the provider's verify calls and can play an outage. */
const proxy = new BridgeProxy(
  () => bridge?.url,
  (path, body) => {
    if (path === '/v1/verify') {
      const { sub } = JSON.parse(body.toString('utf8')) as { sub?: string };
      verifyCalls.set(sub ?? '', (verifyCalls.get(sub ?? '') ?? 0) + 1);
    }
    return proxyMode.down
      ? {
          kind: 'answer',
          status: 503,
          body: '{"outcome":"temporarily-unavailable","migrate":false,"requiredActions":[]}',
        }
      : { kind: 'forward' };
  },
);

function subOf(username: string): Promise<string> {
  return exportedSubOf(env, username);
}

async function targetUser(username: string) {
  const [user] = await realm.call('user', (c) => c.users.find({ username, exact: true }));
  assert.ok(user, `${username} is in the realm`);
  return user;
}

async function passwordCredentials(username: string): Promise<number> {
  const { id } = await targetUser(username);
  const credentials = await realm.call('credentials', (c) => c.users.getCredentials({ id: id! }));
  return credentials.filter((credential) => credential.type === 'password').length;
}

async function bruteForceFailures(username: string): Promise<number> {
  const { id } = await targetUser(username);
  const status = (await realm.call('brute force', (c) => c.attackDetection.findOne({ id: id! }))) as {
    numFailures?: number;
  };
  return status.numFailures ?? 0;
}

function createCognitoUser(username: string, password: string, permanent = true): Promise<void> {
  return createPoolUser(cognito, poolId, { username, password, tag: run, permanent });
}

async function seedCognito(): Promise<void> {
  cognito = createCognitoClient({ ...cognitoConfig(env), maxAttempts: 1 }, { paced: false });
  ({ poolId, clientId } = await createBridgePool(cognito, `browser-${run}`));
  for (const [username, password] of Object.entries(people)) await createCognitoUser(username, password);
  await createCognitoUser(temporary.username, temporary.password, false);
  await signUpUnconfirmed(cognito, clientId, { ...unconfirmed, tag: run });
}

async function exportAndImport(): Promise<void> {
  const ledger = new Ledger({ kafka: kafkaConfig(env) });
  await new PoolExport(ledger, new CognitoPoolReader(cognito, poolId), cognito).run({ totpLookup: false });
  // Users whose Cognito state cognito-local cannot take: their exports say what Cognito would.
  await recordShapedExports(
    env,
    { cognito, poolId },
    { template: 'ann', tag: run, source: 'urn:test:browser-sign-in', users: shaped },
  );
  await importFromLedger(env, `test-browser-import-${run}`);
}

/**
 * Clicks and waits for the next document's load event. `waitForLoadState('load')` would return at
 * once, the current page being loaded already, and the page read next could still be the old one
 * or a blank one mid-navigation (seen on a loaded machine).
 */
async function submit(page: Page, control: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), control.click()]);
}

/** Opens the client application, which sends the browser to Keycloak's login page, and submits the form. */
async function submitLogin(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${app.url}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await submit(page, page.locator('#kc-login'));
}

/** Back at the client application, signed in: its page names the user and shows the Cognito sub from the ID token. */
async function assertSignedIn(page: Page, username: string): Promise<void> {
  await page.waitForURL((url) => url.href.startsWith(app.redirectUri), { timeout: 15_000 });
  assert.equal(await page.locator('#signed-in-as').getAttribute('data-username'), username);
  const sub = (await targetUser(username)).attributes?.cognito_sub?.[0];
  if (sub) assert.equal(await page.locator('[data-claim="cognito_sub"]').innerText(), sub);
}

/** With SIGN_IN_SCREENSHOTS set to a folder, the pages a migrating user sees are saved there (docs/bridge.md). */
async function capture(page: Page, name: string): Promise<void> {
  const dir = process.env.SIGN_IN_SCREENSHOTS;
  if (dir) await page.screenshot({ path: join(resolve(dir), `${name}.png`) });
}

async function pageText(page: Page): Promise<string> {
  return (await page.locator('body').innerText()).replace(/\s+/g, ' ');
}

async function choosePassword(page: Page, password: string): Promise<void> {
  await page.locator('#password-new').fill(password);
  await page.locator('#password-confirm').fill(password);
  await submit(page, page.locator('[type=submit]').first());
}

describe('JIT in the browser: Keycloak login page, real Chromium, the bridge and cognito-local', () => {
  beforeAll(async () => {
    await rm(outputDir, { recursive: true, force: true });
    browser = await launchChromium();
    await db.connect();
    await seedCognito();
    await exportAndImport();
    await projectUntilCaughtUp(
      loadConfig({ ...env, PROJECTOR_GROUP_ID: `test-browser-project-${run}` }, projectorSections),
    );
    bridge = await startPoolBridge(env, { poolId, clientId }, capturingLogger(logLines));
    realm = new KeycloakRealm(keycloakConfig(env), await keycloakAdminLogin(env));
    await proxy.start();
    await ensurePasswordMigrationStorage(realm, { verifyUrl: `${proxy.url}/v1/verify`, sharedSecret, timeoutMs: 3000 });
    app = await startSignInApp({ keycloakUrl, realm: realm.name, clientId: 'sign-in-app', port: 0, host: '127.0.0.1' });
    await ensureSignInClient(realm, { clientId: 'sign-in-app', redirectUris: [app.redirectUri] });
    // E-mail for VERIFY_EMAIL and the reset link, as the reconciler sets it up.
    await new ResetMailer(realm).prepareRealm(resetMailConfig(env));
    await realm.call('native user', (c) =>
      c.users.create({
        username: native.username,
        email: `nat.${run}@example.org`,
        emailVerified: true,
        firstName: 'Nat',
        lastName: 'Example',
        enabled: true,
        credentials: [{ type: 'password', value: native.password, temporary: false }],
      }),
    );
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await bridge?.close();
    await proxy.close();
    await realm?.call('realm deletion', (c) => c.realms.del({ realm: realm.name })).catch(() => undefined);
    if (poolId) await cognito.client.send(new DeleteUserPoolCommand({ UserPoolId: poolId })).catch(() => undefined);
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db.query(`DROP SCHEMA IF EXISTS "${schema}_watcher" CASCADE`).catch(() => undefined);
    await db.end();
  });

  it('imported users are linked to the password-migration component and hold no password', async () => {
    const ann = await targetUser('ann');
    assert.ok(ann.federationLink, 'ann is federation-linked');
    assert.equal(await passwordCredentials('ann'), 0);
  });

  it('the Cognito password signs in to the client application, Keycloak keeps it and the ledger says so', async () => {
    await withPage(browser, outputDir, 'valid', async (page) => {
      await page.goto(`${app.url}/login`);
      await page.locator('#username').waitFor();
      await capture(page, 'login-page');
      await submitLogin(page, 'ann', people.ann);
      await assertSignedIn(page, 'ann');
      await capture(page, 'signed-in');
    });
    assert.equal(await passwordCredentials('ann'), 1);
    assert.equal(
      (await targetUser('ann')).federationLink,
      undefined,
      'the link is removed once Keycloak holds the password',
    );
    const ann = await subOf('ann');
    const migrated = await eventually(
      () => distinctFacts(env, 'PasswordMigrated', ann),
      (found) => found.length > 0,
    );
    assert.equal(migrated.length, 1);
    assert.deepEqual(migrated[0]!.data, { sub: ann, target: { kind: 'keycloak', realm: realm.name }, via: 'jit' });
  });

  it('the second sign-in never reaches the bridge', async () => {
    const ann = await subOf('ann');
    const before = verifyCalls.get(ann) ?? 0;
    assert.equal(before, 1);
    await withPage(browser, outputDir, 'second', async (page) => {
      await submitLogin(page, 'ann', people.ann);
      await assertSignedIn(page, 'ann');
    });
    assert.equal(verifyCalls.get(ann) ?? 0, before);
  });

  it('a user who had MFA in Cognito sets up TOTP at once, then is signed in, and the watcher records MfaReenrolled', async () => {
    await withPage(browser, outputDir, 'mfa', async (page) => {
      await submitLogin(page, 'mia', shaped.mia.password);
      assert.match(await pageText(page), /Mobile Authenticator Setup/);
      await capture(page, 'mfa-totp-setup');
      await page.locator('#mode-manual').click();
      const secret = (await page.locator('#kc-totp-secret-key').innerText()).replace(/\s+/g, '');
      const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate();
      await page.locator('#totp').fill(code);
      await submit(page, page.locator('#saveTOTPBtn'));
      await assertSignedIn(page, 'mia');
    });
    assert.equal(await passwordCredentials('mia'), 1);
    await watcherPass(env);
    const mia = await subOf('mia');
    assert.equal((await distinctFacts(env, 'MfaReenrolled', mia)).length, 1);
    assert.equal((await distinctFacts(env, 'PasswordMigrated', mia)).length, 1);
  });

  it('a temporary Cognito password (FORCE_CHANGE_PASSWORD) leads to the update-password page, then in', async () => {
    await withPage(browser, outputDir, 'temporary', async (page) => {
      await submitLogin(page, temporary.username, temporary.password);
      assert.match(await pageText(page), /Update password/i);
      await capture(page, 'temporary-password-update');
      await choosePassword(page, chosen.tom);
      await assertSignedIn(page, temporary.username);
    });
    assert.equal(await passwordCredentials(temporary.username), 1);
  });

  it("a wrong password gets Keycloak's own answer and is counted by brute-force protection like a native one", async () => {
    await withPage(browser, outputDir, 'wrong', async (page) => {
      await submitLogin(page, 'wes', wrongPassword);
      assert.match(await pageText(page), /Invalid username or password\./);
      await capture(page, 'wrong-password');
      await submitLogin(page, native.username, wrongPassword);
      assert.match(await pageText(page), /Invalid username or password\./);
    });
    assert.equal(await bruteForceFailures('wes'), 1);
    assert.equal(await bruteForceFailures(native.username), 1);
    assert.equal(await passwordCredentials('wes'), 0);
    assert.equal((await distinctFacts(env, 'PasswordMigrated', await subOf('wes'))).length, 0);
  });

  it('an outage says "temporarily unavailable", counts no failure, stores nothing; the same password works later', async () => {
    proxyMode.down = true;
    try {
      await withPage(browser, outputDir, 'outage', async (page) => {
        for (let attempt = 0; attempt < 3; attempt++) {
          await submitLogin(page, 'ola', people.ola);
          assert.match(await pageText(page), /Sign-in is temporarily unavailable\. Please try again in a moment\./);
        }
        await capture(page, 'temporarily-unavailable');
      });
    } finally {
      proxyMode.down = false;
    }
    assert.equal(await bruteForceFailures('ola'), 0);
    assert.equal(await passwordCredentials('ola'), 0);
    await withPage(browser, outputDir, 'after-outage', async (page) => {
      await submitLogin(page, 'ola', people.ola);
      await assertSignedIn(page, 'ola');
    });
  });

  it('a user disabled in Cognito sees that the account is disabled', async () => {
    await withPage(browser, outputDir, 'disabled', async (page) => {
      await submitLogin(page, 'dee', shaped.dee.password);
      assert.match(await pageText(page), /Account is disabled/i);
      await capture(page, 'disabled');
    });
    assert.equal(await passwordCredentials('dee'), 0);
  });

  it('an unconfirmed user keeps the password and is asked to verify the e-mail address', async () => {
    await withPage(browser, outputDir, 'unconfirmed', async (page) => {
      await submitLogin(page, unconfirmed.username, unconfirmed.password);
      assert.match(await pageText(page), /verify your email address/i);
      await capture(page, 'unconfirmed-verify-email');
    });
    assert.equal(await passwordCredentials(unconfirmed.username), 1);
  });

  it('a password the realm policy refuses leads to the update-password page, never a dead end', async () => {
    const policy = (await realm.call('realm', (c) => c.realms.findOne({ realm: realm.name })))!.passwordPolicy;
    await realm.call('policy', (c) => c.realms.update({ realm: realm.name }, { passwordPolicy: 'length(40)' }));
    try {
      await withPage(browser, outputDir, 'policy', async (page) => {
        await submitLogin(page, 'pol', people.pol);
        assert.match(await pageText(page), /Update password/i);
        await choosePassword(page, chosen.pol);
        await assertSignedIn(page, 'pol');
      });
    } finally {
      await realm.call('policy', (c) => c.realms.update({ realm: realm.name }, { passwordPolicy: policy ?? '' }));
    }
    assert.equal(await passwordCredentials('pol'), 1);
  });

  it('a user whose reset is required is told so; the reset e-mail leads to a new password that signs in', async () => {
    await withPage(browser, outputDir, 'reset-required', async (page) => {
      await submitLogin(page, 'rex', shaped.rex.password);
      assert.match(await pageText(page), /has to be reset/);
      assert.equal(await page.getByRole('link', { name: 'Forgot Password?' }).count(), 1, 'the page offers the reset');
      await capture(page, 'reset-required');
    });
    assert.equal(await passwordCredentials('rex'), 0);
    const mail = new MailCatcher(env);
    const sentAt = Date.now();
    await new ResetMailer(realm).send((await targetUser('rex')).id!, 3600);
    const message = await eventually(
      async () => (await mail.messages()).find((m) => m.to.some((t) => t.address === `rex.${run}@example.org`)),
      (found) => found !== undefined && Date.parse(found.time) >= sentAt - 1000,
    );
    assert.ok(message, 'the reset e-mail reached the SMTP catcher');
    const link = /https?:\/\/\S+action-token\S+/.exec(message.text)?.[0];
    assert.ok(link, 'the e-mail carries the action link');
    await withPage(browser, outputDir, 'reset-link', async (page) => {
      await page.goto(link);
      if ((await page.locator('#password-new').count()) === 0) {
        // Keycloak first asks to confirm the action the link performs.
        await submit(page, page.locator('a[href*="action-token"], a').first());
      }
      await capture(page, 'reset-link-update-password');
      await choosePassword(page, chosen.rex);
      assert.match(await pageText(page), /account has been updated/i);
    });
    await withPage(browser, outputDir, 'after-reset', async (page) => {
      await submitLogin(page, 'rex', chosen.rex);
      await assertSignedIn(page, 'rex');
    });
    await watcherPass(env);
    const migrated = await distinctFacts(env, 'PasswordMigrated', await subOf('rex'));
    assert.equal(migrated.length, 1);
    assert.equal(migrated[0]!.type === 'PasswordMigrated' && migrated[0]!.data.via, 'reset');
  });

  it('a user created directly in Keycloak signs in without the bridge', async () => {
    const calls = [...verifyCalls.values()].reduce((a, b) => a + b, 0);
    await withPage(browser, outputDir, 'native', async (page) => {
      await submitLogin(page, native.username, native.password);
      await assertSignedIn(page, native.username);
    });
    assert.equal(
      [...verifyCalls.values()].reduce((a, b) => a + b, 0),
      calls,
    );
  });

  it('concurrent first sign-ins of one user store one password and record one PasswordMigrated', async () => {
    // Brute-force protection makes Keycloak take one sign-in of a user at a time; without it the
    // provider's own guard is what keeps the second password out.
    await realm.call('brute force off', (c) => c.realms.update({ realm: realm.name }, { bruteForceProtected: false }));
    const pages = await Promise.all([0, 1, 2].map(async () => (await browser.newContext()).newPage()));
    try {
      for (const page of pages) {
        await page.goto(`${app.url}/login`);
        await page.locator('#username').fill('cat');
        await page.locator('#password').fill(people.cat);
      }
      await Promise.all(pages.map((page) => submit(page, page.locator('#kc-login'))));
      await sleep(1000);
      for (const page of pages) assert.doesNotMatch(await pageText(page), /Invalid username or password/);
    } finally {
      await Promise.all(pages.map((page) => page.context().close()));
      await realm.call('brute force on', (c) => c.realms.update({ realm: realm.name }, { bruteForceProtected: true }));
    }
    assert.equal(await passwordCredentials('cat'), 1);
    assert.equal(
      verifyCalls.get(await subOf('cat')),
      1,
      'one sign-in asked the bridge; the others were answered from it',
    );
    await watcherPass(env);
    assert.equal((await distinctFacts(env, 'PasswordMigrated', await subOf('cat'))).length, 1);
  });

  it('an administrator can delete a user who is still linked (not migrated yet)', async () => {
    const { id, federationLink } = await targetUser('wes');
    assert.ok(federationLink, 'wes is still linked');
    await realm.call('user deletion', (c) => c.users.del({ id: id! }));
    assert.equal((await realm.call('user', (c) => c.users.find({ username: 'wes', exact: true }))).length, 0);
  });

  it('no password used in this run is in any topic, log line, table or saved page', async () => {
    const secrets = [
      ...Object.values(people),
      ...Object.values(shaped).map((s) => s.password),
      ...Object.values(chosen),
      temporary.password,
      unconfirmed.password,
      native.password,
      wrongPassword,
    ];
    const ledger = new Ledger({ kafka: kafkaConfig(env) });
    await ledger.scan([ledger.topics.userEvents, ledger.topics.controlEvents, ledger.topics.deadLetter], (record) => {
      const text = `${record.key?.toString('utf8') ?? ''} ${record.value?.toString('utf8') ?? ''} ${JSON.stringify(record.headers)}`;
      for (const secret of secrets) assert.ok(!text.includes(secret), `password in ${record.topic}@${record.offset}`);
    });
    const keycloakLog = await readFile(join(stackConfig(env).dir, 'keycloak', 'keycloak.log'), 'utf8');
    assert.ok(logLines.length > 0);
    for (const secret of secrets) {
      assert.ok(!keycloakLog.includes(secret), 'password in the Keycloak log');
      for (const line of logLines) assert.ok(!line.includes(secret), 'password in a bridge log line');
    }
    const rows = await db.query(`SELECT * FROM "${schema}".migration_user`);
    for (const secret of secrets) assert.ok(!JSON.stringify(rows.rows).includes(secret), 'password in the projection');
    const saved = await readdir(outputDir, { recursive: true }).catch(() => [] as string[]);
    for (const file of saved.filter((f) => f.endsWith('.html'))) {
      const html = await readFile(join(outputDir, file), 'utf8');
      for (const secret of secrets) assert.ok(!html.includes(secret), `password in ${file}`);
    }
  });
});
