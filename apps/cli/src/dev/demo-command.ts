import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ConfigOf, Env, SectionName, StackConfig } from '#config';
import { createCognitoClient } from '#cognito';
import { KeycloakRealm } from '#keycloak';
import { EventIdentityAudit, Ledger, StoredPositionMismatchError, type EventIdentityFindings } from '#ledger';
import { dropSchemas } from '#projections';
import { formatCompletion, formatRunSummary, projectorPublicUrl, projectUntilCaughtUp } from '#projector';
import { ResetMailer } from '#reconciler';
import { checkpointOriginOf, readSignerKey, Sealer, verifyLedger } from '#sealer';
import { localConfig, localProfileEnv, localStack, projectRoot } from '#stack';
import { prepareDemoDashboard, reconcileCompressed, runDemoLoginWave, waveLoginsOf } from '#demo';
import { exportPool, formatExportSummary } from '../export-command.js';
import { formatImportReport, importUsers } from '../import-command.js';
import { formatPass } from '../reconcile-command.js';
import { formatWatchReport, watchTarget } from '../watch-command.js';
import { watcherDemo } from './watcher-demo.js';
import { demoPoolId, describeSeededPool, seedPool } from './seed-command.js';
import { demoNamespace, inDemoNamespace } from './demo-namespace.js';
import { auditDemoBundle } from './demo-audit-bundle.js';
import { demoStageContradictions, type DemoFigures } from './demo-stage-checks.js';
import { DemoStageError } from './demo-stage-error.js';

const reconcileDays = 90;
const reconcileStepDays = 15;

/** Every setting the demo's stages use, validated once after the pool is seeded. */
const demoSections = [
  'stack',
  'kafka',
  'database',
  'cognito',
  'pool',
  'keycloak',
  'keycloakAdmin',
  'importer',
  'projector',
  'bridge',
  'watcher',
  'reconciler',
  'resetMail',
  'seal',
  'dashboard',
] as const satisfies readonly SectionName[];
type DemoConfig = ConfigOf<(typeof demoSections)[number]>;

/**
 * `ledger demo` (`npm run demo`): the main job end to end on the local stack. Each stage of the
 * migration that exists is run and reports its numbers in the summary. It runs in a namespace of
 * its own (demoNamespace: topics, realm, schemas), so that its compressed clock never moves a real
 * migration's cutover phase or dates; after each stage its figures are checked against the
 * earlier stages', and the first contradiction stops the demo with a line naming the stage. It
 * always runs under the local profile (LEDGER_PROFILE=local), whatever the shell says.
 */
export function demoCommand(env: Env): Command {
  return new Command('demo')
    .description(
      'the whole migration on the local stack: seed a synthetic pool, export, import into Keycloak, project, a login wave through the JIT bridge, MFA and federation re-binding, long-tail resets; then a summary',
    )
    .option(
      '--users <n>',
      'synthetic users to seed',
      (value: string) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 100)
          throw new InvalidArgumentError(`expected a whole number of at least 100, got "${value}"`);
        return n;
      },
      2000,
    )
    .option('--stop-stack', 'stop the stack components the demo started when it ends, pass or fail (CI)', false)
    .action(async (options: { users: number; stopStack: boolean }) => {
      const out = (text: string) => process.stdout.write(text);
      const began = Date.now();
      out('== 1. local stack\n');
      const local = localProfileEnv(env);
      const stack = localStack(local);
      const startedHere = new Set<string>();
      try {
        for (const { status, wasUp, seconds } of await stack.up((line) => out(`   ${line}\n`))) {
          if (!wasUp) startedHere.add(status.name);
          out(`   ${status.name}: ${wasUp ? 'already up' : `started in ${seconds.toFixed(1)} s`} (${status.detail})\n`);
        }
        await runStages(local, options.users, out);
        out(`\ndemo passed in ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
      } finally {
        if (options.stopStack) await stack.down((component) => startedHere.has(component.name));
      }
    });
}

/** Stages 2-10 and the summary; throws DemoStageError at the first stage whose figures contradict an earlier one. */
async function runStages(env: Env, users: number, out: (text: string) => void): Promise<void> {
  out(`\n== 2. seed a synthetic Cognito pool (${users} users)\n`);
  const { pool, endpoint } = await seedPool(
    {
      users,
      seed: 1,
      poolId: demoPoolId,
      usernameMode: 'username',
    },
    env,
  );
  out(describeSeededPool(pool, endpoint));

  out('\n== 3. export the pool into the ledger (paced to AWS default quotas)\n');
  const config = await localConfig(
    inDemoNamespace({
      // The demo's bridge (stage 6): a secret of its own and any free port; every login comes from
      // this machine, so the per-IP limit is lifted. The shell's settings win.
      BRIDGE_SHARED_SECRET: randomBytes(24).toString('base64url'),
      BRIDGE_PORT: '0',
      BRIDGE_ATTEMPTS_PER_IP_PER_MINUTE: '1000000',
      ...env,
      COGNITO_ENDPOINT: endpoint,
      COGNITO_USER_POOL_ID: pool.poolId,
      COGNITO_CLIENT_ID: pool.clientId,
    }),
    demoSections,
  );
  out(
    `   namespace: topics ${demoNamespace.KAFKA_TOPIC_PREFIX}.*, realm ${demoNamespace.KEYCLOAK_REALM}, ` +
      `schemas ${demoNamespace.PROJECTION_SCHEMA}, ${demoNamespace.RECONCILER_SCHEMA}, ${demoNamespace.WATCHER_SCHEMA}\n`,
  );
  await startFreshDemoNamespace(config, out);
  const exported = await exportPool(config, false);
  out(formatExportSummary(exported));
  let figures: DemoFigures = {
    seeded: pool.users.length,
    exported: { users: exported.users, published: exported.published, rejected: exported.rejected.length },
  };
  const check = (next: DemoFigures) => {
    figures = next;
    const contradictions = demoStageContradictions(figures);
    if (contradictions.length > 0) throw new DemoStageError(contradictions);
  };
  check(figures);

  out('\n== 4. import the exported users into Keycloak\n');
  const imported = await importUsers(
    { ...config, importer: { ...config.importer, identityProvidersFile: await providersAtImport(config.stack) } },
    { follow: false, groupId: 'demo-importer' },
  );
  out(formatImportReport(imported).replace(/^(?=.)/gm, '   '));

  out('\n== 5. project the ledger into PostgreSQL\n');
  const projected = await projectDemoLedger(config, out);
  out(`   ${formatRunSummary(projected.run)}`);
  check({
    ...figures,
    projected: {
      facts: projected.run.events,
      users: projected.metrics.users,
      neitherImportedNorFailed: projected.metrics.byStatus.exported,
    },
  });

  const logins = waveLoginsOf(pool, 0.1);
  out(
    `\n== 6. login wave: ${logins.length} users sign in through Keycloak's login page with their Cognito password (JIT bridge)\n`,
  );
  // Keycloak e-mails an address check (VERIFY_EMAIL) at the sign-in of a user Cognito had not
  // confirmed: the realm sends through the local catcher from the first sign-in on, not only once
  // the reconciler has set it up.
  await new ResetMailer(new KeycloakRealm(config.keycloak, config.keycloakAdmin)).prepareRealm(config.resetMail);
  const wave = await runDemoLoginWave(config, logins);
  out(
    `   ${Object.entries(wave)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')}\n`,
  );
  check({
    ...figures,
    wave: { logins: logins.length, signedIn: wave['signed-in'], requiredAction: wave['required-action'] },
  });

  out('\n== 6b. parallel run: a few users change in Cognito; one change-capture cycle carries them to Keycloak\n');
  const changedInCognito = await renameInCognito(config, pool, 3);
  const cycle = await exportPool(config, false, { detectDeletions: true });
  out(formatExportSummary(cycle).replace(/^(?=.)/gm, '   '));
  const synced = await importUsers(
    { ...config, importer: { ...config.importer, identityProvidersFile: await providersAtImport(config.stack) } },
    { follow: false, groupId: 'demo-importer' },
  );
  out(
    `   ${synced.updated} Cognito changes applied to Keycloak (UserUpdatedInTarget), ` +
      `${synced.rejected} kept out because writes had moved to the target (SourceChangeRejected)\n`,
  );
  check({
    ...figures,
    parallelRun: {
      changed: changedInCognito,
      captured: cycle.capture.changed,
      settled: synced.updated + synced.rejected,
    },
  });

  out('\n== 7. users act in Keycloak; the watcher records what they did\n');
  const watched = await watcherDemo(config, { mfaUsers: 5, federatedUsers: 5 });
  out(
    `   ${watched.rehearsal.totpEnrolled} MFA users set up TOTP again (codes computed from the secret Keycloak showed), ` +
      `${watched.rehearsal.providerLogins} Apple users signed in through the provider added after the import\n`,
  );
  out(formatWatchReport(watched.watch).replace(/^(?=.)/gm, '   '));
  check({
    ...figures,
    watched: {
      totpEnrolled: watched.rehearsal.totpEnrolled,
      mfaReenrolledRecorded: watched.watch.emitted.MfaReenrolled,
    },
  });

  out(
    `\n== 8. reconciler on a compressed clock: ${reconcileDays} days after the import, a pass every ${reconcileStepDays}\n`,
  );
  const reconciled = await reconcileCompressed(
    {
      ...config,
      reconciler: { ...config.reconciler, policyFile: join(projectRoot, 'infra/reconciler/demo-policy.yaml') },
    },
    {
      from: new Date(),
      days: reconcileDays,
      stepDays: reconcileStepDays,
    },
  );
  out(formatPass(reconciled.last).replace(/^(?=.)/gm, '   '));

  out('\n== 9. ledger vs target, then completion from the projections\n');
  // The reconciliation pass compares every imported user with Keycloak after all stages acted.
  const compared = await watchTarget(config, { follow: false, reconcile: true });
  out(
    `   ${compared.usersCompared} users compared with Keycloak: ${compared.disagreementsFound} disagreements recorded, ` +
      `${compared.disagreementsResolved} resolved, ${compared.openDisagreements ?? 0} open\n`,
  );
  const { metrics } = await projectUntilCaughtUp(config);
  out(formatCompletion(metrics).replace(/^(?=.)/gm, '   '));
  const identity = await auditEventIdentity(config);
  out(
    `   ledger: ${identity.records} records, ${identity.ids} event ids, ${identity.repeats} repeated with the same bytes, ` +
      `${identity.conflicts.length} ids with two contents\n`,
  );

  out('\n== 10. seal the ledger and verify it as an auditor would (docs/audit.md)\n');
  const verification = await sealAndVerify(config);
  out(
    `   sealed: ${verification.published} new checkpoints; ledger verify: ${verification.report.ok ? 'passed' : 'FAILED'}, ` +
      `${verification.report.records} records, ${verification.report.checkpointsVerified} checkpoints verified, ` +
      `${verification.report.unsealed} unsealed\n`,
  );

  out("\n== 11. the auditor's bundle, checked with Node alone; its projection digest against the live projections\n");
  const audit = await auditDemoBundle(config);
  const audited = audit.verdict;
  out(
    `   verify-bundle.mjs: ${audited.ok ? 'VERIFIED' : 'FAILED'}, ${audited.records} records, ` +
      `${audited.checkpointsVerified} checkpoints verified, ${audited.unsealed} unsealed\n` +
      `   projection digest ${audited.projection?.digest ?? 'none'} (folded from the bundle, no PostgreSQL)\n` +
      `   live projections  ${audit.liveDigest}\n`,
  );

  out('\n== summary\n');
  out(
    `   exported   ${exported.users} users (${exported.published} new facts), ${exported.groups} groups, ${exported.rejected.length} rejected\n`,
  );
  out(
    `   imported   ${imported.users} users into realm ${imported.realm}: ${imported.created} created, ${imported.matched} matched, ` +
      `${imported.revised} revised, ${imported.alreadyImported} already imported, ${imported.failed} failed, ${imported.links} federated links, ${imported.groupsCreated} groups\n`,
  );
  out(
    `   watched    ${watched.watch.emitted.MfaReenrolled} MfaReenrolled, ${watched.watch.emitted.FederationRebound} FederationRebound (first login), ` +
      `${watched.watch.emitted.PasswordMigrated} PasswordMigrated (reset, or jit unconfirmed)\n`,
  );
  out(
    `   parallel   ${changedInCognito} users renamed in Cognito: ${cycle.capture.changed} captured by one rescan ` +
      `(${Object.values(cycle.apiCalls).reduce((a, b) => a + b, 0)} Cognito calls), ${synced.updated} applied to Keycloak, ${synced.rejected} rejected by phase\n`,
  );
  out(
    `   logins     ${wave['signed-in']} of ${logins.length} signed in through the login page with their Cognito password and were migrated, ` +
      `${wave['required-action']} more on a required-action page\n`,
  );
  out(
    `   long tail  ${reconciled.resetsSent} reset e-mails in ${reconciled.passes} passes, ${reconciled.skipped} skipped; ` +
      `phase ${reconciled.last.cutover.phase}${reconciled.decisions.length ? ` (${reconciled.decisions.length} decisions)` : ''}\n`,
  );
  out(
    `   migrated   ${metrics.migrated} of ${metrics.users} users (${metrics.pctMigrated} %, ${metrics.pctActiveMigrated} % of active)\n`,
  );
  out(`   ledger vs target  ${metrics.disagreements.open} open disagreements (${metrics.disagreements.users} users)\n`);
  out(`   ledger ids        ${identity.conflicts.length} event ids with two contents in ${identity.records} records\n`);
  out(
    `   ledger verify     ${verification.report.ok ? 'passed' : 'FAILED'}: ${verification.report.checkpointsVerified} checkpoints ` +
      `verified over ${verification.report.records} records (key ${verification.report.verifierKey})\n`,
  );
  out(
    `   auditor bundle    ${audited.ok ? 'verified' : 'FAILED'} with Node alone; projection digest ` +
      `${audited.projection?.digest === audit.liveDigest ? 'equal to' : 'DIFFERENT from'} the live projections'\n`,
  );
  check({
    ...figures,
    completion: { users: metrics.users, migrated: metrics.migrated, disagreements: metrics.disagreements.open },
    identity: { conflicts: identity.conflicts },
    verified: {
      checkpoints: verification.report.checkpointsVerified,
      ...(verification.report.findings[0]
        ? {
            firstFinding: `${verification.report.findings[0].topic}/${verification.report.findings[0].partition} offset ${verification.report.findings[0].offset}: ${verification.report.findings[0].reason}: ${verification.report.findings[0].detail}`,
          }
        : {}),
    },
    audited: {
      ...(audited.findings[0]
        ? {
            firstFinding: `${audited.findings[0].file} ${audited.findings[0].partition} offset ${audited.findings[0].offset}: ${audited.findings[0].reason}: ${audited.findings[0].detail}`,
          }
        : {}),
      projectionDigest: audited.projection?.digest ?? null,
      liveDigest: audit.liveDigest,
      notAtBundleEnd: audit.notAtBundleEnd,
    },
  });

  // The dashboard: its client, roles and an operator in the demo realm; the page itself is served
  // by `ledger project --follow` on the demo's namespace (the demo ends, the page stays available).
  const publicUrl = projectorPublicUrl(config);
  const operator = await prepareDemoDashboard(new KeycloakRealm(config.keycloak, config.keycloakAdmin), {
    publicUrl,
    clientId: config.dashboard.clientId,
    credentialsFile: join(resolve(config.stack.dir), 'keycloak', 'demo-dashboard-user.json'),
  });
  out(
    `\n== dashboard\n   ${publicUrl}/dashboard, served while the demo's projector follows its ledger:\n` +
      `     LEDGER_PROFILE=local KAFKA_TOPIC_PREFIX=${demoNamespace.KAFKA_TOPIC_PREFIX} KEYCLOAK_REALM=${demoNamespace.KEYCLOAK_REALM} ` +
      `PROJECTION_SCHEMA=${demoNamespace.PROJECTION_SCHEMA} npm run ledger -- project --follow\n` +
      `   sign in as ${operator.username} (${operator.role}); the password is in ${operator.credentialsFile}\n`,
  );
}

/**
 * The parallel run's edits: `count` imported-looking users (confirmed, enabled, not federated)
 * get a new first name in Cognito through the admin API, as an administrator's edit would. The
 * name is new on every run, so a warm re-run changes them again.
 */
async function renameInCognito(
  config: DemoConfig,
  pool: Awaited<ReturnType<typeof seedPool>>['pool'],
  count: number,
): Promise<number> {
  const cognito = createCognitoClient(config.cognito, { paced: true });
  const chosen = pool.users
    // Plain records only: a user the import refused has nothing in Keycloak for the change to reach.
    .filter(
      (u) =>
        u.status === 'CONFIRMED' &&
        u.enabled &&
        !u.attributes.identities &&
        /^[a-z0-9.]+$/.test(u.username) &&
        /^[a-z0-9.]+@[a-z0-9.-]+\.[a-z]+$/.test(u.attributes.email ?? ''),
    )
    .slice(-count);
  const tag = randomBytes(3).toString('hex');
  for (const user of chosen)
    await cognito.client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: config.pool.userPoolId,
        Username: user.username,
        UserAttributes: [{ Name: 'given_name', Value: `Renamed-${tag}` }],
      }),
    );
  return chosen.length;
}

/**
 * The demo's schemas belong to the demo's ledger alone. When they hold another ledger's positions
 * (a second checkout with its own broker, or a broker whose data was recreated, sharing this
 * PostgreSQL database) the projector rightly refuses them; the demo then drops its own schemas
 * and rebuilds them from this ledger, saying so. A real migration's schemas are never dropped:
 * there the refusal stands and `ledger replay --replace` is the operator's decision.
 */
async function projectDemoLedger(
  config: DemoConfig,
  out: (text: string) => void,
): Promise<Awaited<ReturnType<typeof projectUntilCaughtUp>>> {
  try {
    return await projectUntilCaughtUp(config);
  } catch (error) {
    if (!(error instanceof StoredPositionMismatchError)) throw error;
    out(`   the demo's schemas hold another ledger's positions (${error.message.split(';')[0]})\n`);
    await dropDemoSchemas(config, out);
    return await projectUntilCaughtUp(config);
  }
}

const demoSchemas = [demoNamespace.PROJECTION_SCHEMA, demoNamespace.RECONCILER_SCHEMA, demoNamespace.WATCHER_SCHEMA];

async function dropDemoSchemas(config: DemoConfig, out: (text: string) => void): Promise<void> {
  out(`   dropping ${demoSchemas.join(', ')}: they are rebuilt from this ledger\n`);
  await dropSchemas(config.database.url, demoSchemas);
}

/**
 * A broker without the demo's topics holds no demo ledger yet (a fresh clone, a recreated broker),
 * so whatever the demo namespace holds elsewhere (its schemas in a shared PostgreSQL, its realm in
 * a kept Keycloak) belongs to a ledger that is gone: the stages would compare this ledger with
 * another one's state. The namespace is the demo's alone, so it starts over.
 */
async function startFreshDemoNamespace(config: DemoConfig, out: (text: string) => void): Promise<void> {
  const ledger = new Ledger({ kafka: config.kafka });
  if (await ledger.hasTopics([ledger.topics.userEvents, ledger.topics.controlEvents])) return;
  out(`   no ${demoNamespace.KAFKA_TOPIC_PREFIX}.* topics in this Kafka yet: the demo namespace starts over\n`);
  await dropDemoSchemas(config, out);
  const realm = new KeycloakRealm(config.keycloak, config.keycloakAdmin);
  const existing = await realm.call('demo realm lookup', (c) => c.realms.findOne({ realm: realm.name }));
  if (existing) {
    out(`   deleting Keycloak realm ${realm.name}: it holds the users of that ledger\n`);
    await realm.call('demo realm deletion', (c) => c.realms.del({ realm: realm.name }));
  }
}

/** `ledger seal` then `ledger verify` on the demo's ledger, with the local stack's seal key. */
async function sealAndVerify(config: DemoConfig) {
  const key = await readSignerKey(config.seal);
  const ledger = new Ledger({ kafka: config.kafka, logger: pino({ level: 'warn' }, process.stderr) });
  const origin = checkpointOriginOf(config, key.name);
  const sealed = await new Sealer(
    ledger,
    key,
    { origin, everyRecords: config.seal.everyRecords, intervalMs: config.seal.intervalMs },
    ledger.logger,
  ).run({ follow: false });
  return { published: sealed.published, report: await verifyLedger(ledger, key.verifier, { origin }) };
}

/** Reads the demo namespace's whole ledger back: every event id must carry the same bytes wherever it was recorded. */
async function auditEventIdentity(config: DemoConfig): Promise<EventIdentityFindings> {
  const ledger = new Ledger({ kafka: config.kafka });
  const audit = new EventIdentityAudit();
  await ledger.scan([ledger.topics.userEvents, ledger.topics.controlEvents], (record) => audit.add(record));
  return audit.findings();
}

/**
 * The demo realm gets every identity provider of the synthetic pool but Apple: Apple users then
 * cannot be pre-linked at import and re-bind at their first login through the provider, which the
 * watcher stage shows (it adds the provider, backed by a second realm).
 */
async function providersAtImport(stack: StackConfig): Promise<string> {
  const all = JSON.parse(await readFile(join(projectRoot, 'infra/keycloak/demo-identity-providers.json'), 'utf8')) as {
    alias: string;
  }[];
  const file = resolve(stack.dir, 'demo-identity-providers.json');
  await writeFile(file, JSON.stringify(all.filter((provider) => provider.alias !== 'apple')));
  return file;
}
