/**
 * bench:sync — one change-capture cycle of the parallel run over a pool where 1 % of the users
 * changed (half their e-mail, half their first name) and 0.1 % were deleted, on the local stack:
 * - the cycle (`export --follow`'s rescan, with the deletion lookups): Cognito calls per user and
 *   the cycle time projected at AWS's default quotas, as bench:export projects an export (each
 *   quota category allows so many requests per second; the cycle runs them one after another);
 * - the facts it writes (one UserExported per changed user, one UserDeletedInSource per deletion);
 * - applying them to Keycloak (`ledger import` after the cycle: UserUpdatedInTarget per change),
 *   changes per second, against the same import run importing the whole pool afresh (users/s).
 * Both import runs include the importer's read of the ledger, as a real run does.
 */
import './local-profile.js';
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { cognitoConfig, importerConfig, kafkaConfig, keycloakConfig, type CognitoQuotas } from '#config';
import { CognitoPoolReader, createCognitoClient, quotaCategoryOf, type ApiCallCounts } from '#cognito';
import { PoolExport } from '#exporter';
import { ImportRun, ImporterModule } from '#importer';
import { KeycloakRealm } from '#keycloak';
import { Ledger } from '#ledger';
import { CognitoComponent, generateSyntheticPool, keycloakAdminLogin, localStack, writeCognitoLocalData } from '#stack';

const users = Number(process.env.BENCH_USERS ?? 100_000);
const poolId = 'us-east-1_BenchSync';

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Seconds for the calls at AWS's default quotas, one category after another. */
function secondsAtQuota(calls: ApiCallCounts, quotas: CognitoQuotas): number {
  return Object.entries(calls).reduce((total, [operation, count]) => {
    const category = quotaCategoryOf(`${operation}Command`);
    return category ? total + count / quotas[category] : total;
  }, 0);
}

const total = (calls: ApiCallCounts) => Object.values(calls).reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  log('bringing the stack up (Kafka, cognito-local, Keycloak)');
  await localStack(process.env).up(log);
  const cognito = new CognitoComponent(process.env);
  const pool = generateSyntheticPool({ users, seed: 17, poolId });
  await cognito.reseed((dir) => writeCognitoLocalData(dir, pool));
  log(`seeded ${users} users`);

  const run = randomUUID().slice(0, 8);
  const kafka = { ...kafkaConfig(process.env), topicPrefix: `bench-sync-${run}` };
  const keycloak = { ...keycloakConfig(process.env), realm: `bench-sync-${run}` };
  const admin = await keycloakAdminLogin(process.env);
  const client = createCognitoClient(
    { ...cognitoConfig(process.env), endpoint: cognito.endpoint, maxAttempts: 3 },
    { paced: false },
  );
  const ledger = new Ledger({ kafka });
  const exporter = new PoolExport(ledger, new CognitoPoolReader(client, poolId), client);
  const settings = { kafka, keycloak, importer: importerConfig(process.env), admin };
  const app = await NestFactory.createApplicationContext(ImporterModule.register(settings), { logger: ['error'] });
  try {
    await exporter.run({ totpLookup: false });
    const fresh = await app.get(ImportRun).run({ groupId: 'importer', follow: false });
    log(`fresh import: ${fresh.created} users in ${(fresh.durationMs / 1000).toFixed(1)} s`);

    // The changes, written into cognito-local's store as an administrator's edits would leave them.
    const changedAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 1000);
    const candidates = pool.users.filter((u) => u.status === 'CONFIRMED' && u.attributes.email && u.enabled);
    const changed = candidates.slice(0, Math.floor(users / 100));
    changed.forEach((user, i) => {
      if (i % 2 === 0) user.attributes.email = `changed.${i}@example.org`;
      else user.attributes.given_name = `Changed${i}`;
      user.updatedAt = changedAt;
    });
    const deleted = new Set(
      candidates.slice(changed.length, changed.length + Math.floor(users / 1000)).map((u) => u.sub),
    );
    pool.users = pool.users.filter((u) => !deleted.has(u.sub));
    await cognito.reseed((dir) => writeCognitoLocalData(dir, pool));
    log(`changed ${changed.length} users and deleted ${deleted.size} in cognito-local`);

    const began = performance.now();
    const cycle = await exporter.run({ totpLookup: false, detectDeletions: true });
    const cycleSeconds = (performance.now() - began) / 1000;
    log(
      `cycle: ${JSON.stringify(cycle.capture)}, calls ${JSON.stringify(cycle.apiCalls)}, ${cycleSeconds.toFixed(1)} s`,
    );
    if (cycle.capture.changed !== changed.length || cycle.capture.deleted !== deleted.size)
      throw new Error(
        `the cycle saw ${JSON.stringify(cycle.capture)}, expected ${changed.length} changed, ${deleted.size} deleted`,
      );

    const apply = await app.get(ImportRun).run({ groupId: 'importer', follow: false });
    log(`apply: ${apply.updated} updates in ${(apply.durationMs / 1000).toFixed(1)} s`);
    if (apply.updated !== changed.length + deleted.size)
      throw new Error(`the import applied ${apply.updated} changes, expected ${changed.length + deleted.size}`);

    const calls = total(cycle.apiCalls);
    const result = {
      bench: 'sync',
      users,
      changed: changed.length,
      deleted: deleted.size,
      calls,
      calls_per_user: Number((calls / users).toFixed(4)),
      cycle_s_local: Number(cycleSeconds.toFixed(1)),
      cycle_minutes_at_default_quotas: Number(
        (secondsAtQuota(cycle.apiCalls, cognitoConfig({}).quotas) / 60).toFixed(1),
      ),
      facts_written: cycle.published + cycle.capture.deleted,
      applied: apply.updated,
      apply_s: Number((apply.durationMs / 1000).toFixed(1)),
      apply_per_s: Math.round(apply.updated / (apply.durationMs / 1000)),
      fresh_import_per_s: Math.round(fresh.created / (fresh.durationMs / 1000)),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await app.close();
    await deleteRealm(keycloak.url, admin, keycloak.realm).catch(() => undefined);
  }
}

async function deleteRealm(url: string, admin: Awaited<ReturnType<typeof keycloakAdminLogin>>, realm: string) {
  const target = new KeycloakRealm({ ...keycloakConfig(process.env), url, realm }, admin);
  await target.call('realm deletion', (c) => c.realms.del({ realm }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:sync failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
