/**
 * bench:import — users/s into the same Keycloak for the same exported pool, in one run:
 * - **project**: `ledger import` as it runs in production (Kafka consumer, partialImport batches
 *   of IMPORT_BATCH_SIZE with IMPORT_CONCURRENCY in flight, groups created once, facts published);
 * - **naive**: the seed article's method, one `POST /users` per user and, per membership, a group
 *   search, a create when missing and a `PUT` to join, one request at a time, a new admin token
 *   every 100 users.
 * Each method gets a realm of its own, bootstrapped the same way, on a Keycloak warmed up by an
 * untimed import first; the realms are deleted at the end.
 */
import './local-profile.js';
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { cognitoConfig, importerConfig, kafkaConfig, keycloakConfig, type KeycloakConfig } from '#config';
import { createCognitoClient, CognitoPoolReader } from '#cognito';
import { isEventOf, type UserExportedData } from '#events';
import { PoolExport } from '#exporter';
import { ImportRun, ImporterModule } from '#importer';
import { decodeRecord, Ledger, topicsWithPrefix } from '#ledger';
import {
  CognitoComponent,
  generateSyntheticPool,
  keycloakAdminLogin,
  localStack,
  writeCognitoLocalData,
  type KeycloakAdminLogin,
} from '#stack';
import { keycloakAdminToken } from './keycloak-admin-token.js';

const users = Number(process.env.BENCH_USERS ?? 10_000);
const poolId = 'us-east-1_BenchImport';

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<void> {
  log('bringing the stack up (Kafka, cognito-local, Keycloak)');
  await localStack(process.env).up(log);
  const cognito = new CognitoComponent(process.env);
  const pool = generateSyntheticPool({ users, seed: 11, poolId });
  await cognito.reseed((dir) => writeCognitoLocalData(dir, pool));
  const memberships = pool.users.reduce((n, u) => n + u.groups.length, 0);
  log(`seeded ${users} users, ${pool.groups.length} groups, ${memberships} memberships`);

  const run = randomUUID().slice(0, 8);
  const kafka = { ...kafkaConfig(process.env), topicPrefix: `bench-import-${run}` };
  const client = createCognitoClient(
    { ...cognitoConfig(process.env), endpoint: cognito.endpoint, maxAttempts: 3 },
    { paced: false },
  );
  const exported = await new PoolExport(new Ledger({ kafka }), new CognitoPoolReader(client, poolId), client).run({
    totpLookup: false,
  });
  log(`exported ${exported.users} users into ${kafka.topicPrefix}.*`);

  const admin = await keycloakAdminLogin(process.env);
  const keycloak = keycloakConfig(process.env);
  const warmupRealm = `bench-${run}-warmup`;
  const projectRealm = `bench-${run}-project`;
  const naiveRealm = `bench-${run}-naive`;
  try {
    // A first, untimed import warms Keycloak's JVM, so that neither timed method pays for it.
    await importWithProject({ ...keycloak, realm: warmupRealm }, kafka, admin);
    log('warm-up import done');

    const facts = await exportedUsers(kafka);
    // Same realm settings for both: the naive method gets the realm the import would use.
    await importWithProject(
      { ...keycloak, realm: naiveRealm },
      { ...kafka, topicPrefix: `bench-import-${run}-empty` },
      admin,
    );
    const naive = await importNaively({ ...keycloak, realm: naiveRealm }, admin, facts);
    log(`naive method: ${naive.users} users in ${naive.seconds.toFixed(1)} s, ${naive.requests} requests`);

    const project = await importWithProject({ ...keycloak, realm: projectRealm }, kafka, admin);
    log(
      `project method: ${project.users} users in ${(project.durationMs / 1000).toFixed(1)} s, ${project.partialImportRequests} requests`,
    );
    if (project.created !== users)
      throw new Error(`the project method created ${project.created} users, expected ${users}`);

    const usersPerSecond = project.users / (project.durationMs / 1000);
    const naivePerSecond = naive.users / naive.seconds;
    const result = {
      bench: 'import',
      users,
      memberships,
      batch_size: importerConfig(process.env).batchSize,
      concurrency: importerConfig(process.env).concurrency,
      requests: project.partialImportRequests,
      seconds: Number((project.durationMs / 1000).toFixed(1)),
      users_per_s: Math.round(usersPerSecond),
      naive_requests: naive.requests,
      naive_seconds: Number(naive.seconds.toFixed(1)),
      naive_users_per_s: Math.round(naivePerSecond),
      speedup: Number((usersPerSecond / naivePerSecond).toFixed(1)),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for (const realm of [warmupRealm, projectRealm, naiveRealm])
      await deleteRealm(keycloak, admin, realm).catch(() => undefined);
  }
}

async function importWithProject(
  keycloak: KeycloakConfig,
  kafka: ReturnType<typeof kafkaConfig>,
  admin: KeycloakAdminLogin,
) {
  const settings = { kafka, keycloak, importer: importerConfig(process.env), admin };
  const app = await NestFactory.createApplicationContext(ImporterModule.register(settings), { logger: ['error'] });
  try {
    return await app.get(ImportRun).run({ groupId: `bench-${randomUUID()}`, follow: false });
  } finally {
    await app.close();
  }
}

async function exportedUsers(kafka: ReturnType<typeof kafkaConfig>): Promise<UserExportedData[]> {
  const facts: UserExportedData[] = [];
  await new Ledger({ kafka }).scan([topicsWithPrefix(kafka.topicPrefix).userEvents], (record) => {
    const event = decodeRecord(record);
    if (isEventOf(event, 'UserExported')) facts.push(event.data);
  });
  return facts;
}

/** The seed article's import script, translated line by line (its Python `requests` calls become `fetch`). */
async function importNaively(keycloak: KeycloakConfig, admin: KeycloakAdminLogin, facts: readonly UserExportedData[]) {
  const base = `${keycloak.url}/admin/realms/${keycloak.realm}`;
  let requests = 0;
  const call = async (method: string, url: string, token: string, body?: unknown) => {
    requests++;
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      location: response.headers.get('location'),
      json: () => JSON.parse(text) as unknown,
    };
  };
  const started = performance.now();
  let token = await adminToken(keycloak, admin);
  let imported = 0;
  for (const [index, user] of facts.entries()) {
    const attributes: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(user.customAttributes)) attributes[name] = [String(value.value)];
    attributes.cognito_username = [user.username];
    attributes.cognito_status = [user.status];
    attributes.migration_source = ['cognito'];
    if (user.attributes.phone_number) {
      attributes.phoneNumber = [user.attributes.phone_number];
      attributes.phoneNumberVerified = [user.attributes.phone_number_verified ?? 'false'];
    }
    const created = await call('POST', `${base}/users`, token, {
      username: user.attributes.email ?? user.username,
      email: user.attributes.email,
      emailVerified: user.attributes.email_verified === 'true',
      firstName: user.attributes.given_name ?? '',
      lastName: user.attributes.family_name ?? '',
      enabled: user.enabled,
      requiredActions: ['UPDATE_PASSWORD'],
      attributes,
    });
    if (created.status === 201) {
      imported++;
      const userId = created.location!.split('/').pop()!;
      for (const group of user.groups) {
        const search = await call('GET', `${base}/groups?search=${encodeURIComponent(group)}&exact=true`, token);
        let groupId = (search.json() as { id: string; name: string }[]).find((g) => g.name === group)?.id;
        if (!groupId) {
          const made = await call('POST', `${base}/groups`, token, { name: group });
          groupId = made.location?.split('/').pop();
        }
        if (groupId) await call('PUT', `${base}/users/${userId}/groups/${groupId}`, token);
      }
    }
    if ((index + 1) % 100 === 0) token = await adminToken(keycloak, admin);
  }
  return { users: imported, requests, seconds: (performance.now() - started) / 1000 };
}

function adminToken(keycloak: KeycloakConfig, admin: KeycloakAdminLogin): Promise<string> {
  return keycloakAdminToken(keycloak.url, admin);
}

async function deleteRealm(keycloak: KeycloakConfig, admin: KeycloakAdminLogin, realm: string): Promise<void> {
  const token = await adminToken(keycloak, admin);
  await fetch(`${keycloak.url}/admin/realms/${realm}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:import failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
