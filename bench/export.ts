/**
 * bench:export — Cognito API calls per user and users/s of the project's export against the naive
 * method of the seed articles (ListUsers + one AdminListGroupsForUser per user), on the same
 * seeded pool in the same run, both unpaced so that the local emulator's speed is what is measured.
 * The projection to 1,000,000 users at AWS's default quotas follows from the call counts: each
 * quota category allows so many requests per second (ListUsers and ListUsersInGroup share 30/s,
 * ListGroups 5/s per pool, AdminListGroupsForUser 50/s).
 */
import './local-profile.js';
import { randomUUID } from 'node:crypto';
import { AdminListGroupsForUserCommand, paginateListUsers } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoConfig, kafkaConfig, type CognitoQuotas } from '#config';
import { CognitoPoolReader, createCognitoClient, quotaCategoryOf, type ApiCallCounts } from '#cognito';
import { PoolExport } from '#exporter';
import { Ledger } from '#ledger';
import { CognitoComponent, generateSyntheticPool, localStack, writeCognitoLocalData } from '#stack';

const users = Number(process.env.BENCH_USERS ?? 10_000);
const poolId = 'us-east-1_BenchExport';
const projectedUsers = 1_000_000;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Seconds for the calls at AWS's default quotas, one category after another as both methods run them. */
function secondsAtQuota(calls: ApiCallCounts, quotas: CognitoQuotas, scale: number): number {
  return Object.entries(calls).reduce((total, [operation, count]) => {
    const category = quotaCategoryOf(`${operation}Command`);
    return category ? total + (count * scale) / quotas[category] : total;
  }, 0);
}

const total = (calls: ApiCallCounts) => Object.values(calls).reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  log('bringing the stack up (Kafka, cognito-local)');
  await localStack(process.env).up(log);
  const cognitoComponent = new CognitoComponent(process.env);
  const pool = generateSyntheticPool({ users, seed: 7, poolId });
  await cognitoComponent.reseed((dir) => writeCognitoLocalData(dir, pool));
  const memberships = pool.users.reduce((n, u) => n + u.groups.length, 0);
  log(`seeded ${users} users, ${pool.groups.length} groups, ${memberships} memberships`);

  const config = { ...cognitoConfig(process.env), endpoint: cognitoComponent.endpoint, maxAttempts: 3 };
  const quotas = cognitoConfig({}).quotas;

  const ours = createCognitoClient(config, { paced: false });
  const ledger = new Ledger({
    kafka: { ...kafkaConfig(process.env), topicPrefix: `bench-export-${randomUUID().slice(0, 8)}` },
  });
  let started = performance.now();
  const summary = await new PoolExport(ledger, new CognitoPoolReader(ours, poolId), ours).run({ totpLookup: false });
  const oursSeconds = (performance.now() - started) / 1000;
  if (summary.users !== users) throw new Error(`the export saw ${summary.users} users, expected ${users}`);
  log(`project method: ${summary.users} users in ${oursSeconds.toFixed(1)} s, calls ${JSON.stringify(ours.calls)}`);

  const naive = createCognitoClient(config, { paced: false });
  started = performance.now();
  let naiveUsers = 0;
  for await (const page of paginateListUsers({ client: naive.client, pageSize: 60 }, { UserPoolId: poolId })) {
    for (const user of page.Users ?? []) {
      await naive.client.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: user.Username! }));
      naiveUsers++;
    }
  }
  const naiveSeconds = (performance.now() - started) / 1000;
  log(`naive method: ${naiveUsers} users in ${naiveSeconds.toFixed(1)} s, calls ${JSON.stringify(naive.calls)}`);

  const scale = projectedUsers / users;
  const result = {
    bench: 'export',
    users,
    groups: pool.groups.length,
    memberships,
    calls: total(ours.calls),
    calls_per_user: Number((total(ours.calls) / users).toFixed(4)),
    users_per_s: Math.round(users / oursSeconds),
    naive_calls: total(naive.calls),
    naive_calls_per_user: Number((total(naive.calls) / users).toFixed(4)),
    naive_users_per_s: Math.round(naiveUsers / naiveSeconds),
    projected_1m_minutes_at_default_quotas: Number((secondsAtQuota(ours.calls, quotas, scale) / 60).toFixed(1)),
    naive_projected_1m_minutes_at_default_quotas: Number((secondsAtQuota(naive.calls, quotas, scale) / 60).toFixed(1)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:export failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
