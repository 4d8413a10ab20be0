import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { cognitoConfig, importerConfig, kafkaConfig, keycloakConfig, type Env } from '#config';
import { CognitoPoolReader, createCognitoClient, type MeteredCognitoClient } from '#cognito';
import type { LedgerEvent } from '#events';
import { PoolExport } from '#exporter';
import { KeycloakRealm, UserDirectory, type IdentityProviderRepresentation, type TargetUserDetail } from '#keycloak';
import { decodeRecord, Ledger } from '#ledger';
import {
  CognitoComponent,
  generateSyntheticPool,
  keycloakAdminLogin,
  projectRoot,
  writeCognitoLocalData,
} from '#stack';
import { ImporterModule, ImportRun, type ImportReport } from '#importer';

/*
 * The importer's real-stack tests share these steps: a scenario (own topics, own realm), a
 * synthetic pool seeded into cognito-local and exported by the exporter, an import run, and the
 * ledger and realm read back.
 */

const run = randomUUID().slice(0, 8);
const identityProvidersFile = join(projectRoot, 'infra', 'keycloak', 'demo-identity-providers.json');

export interface Scenario {
  readonly env: Env;
  readonly realm: KeycloakRealm;
  readonly ledger: Ledger;
  readonly poolId: string;
}

/** A topic prefix and realm of their own, so that scenarios never see each other's facts or users. */
export async function scenario(name: string, poolId: string): Promise<Scenario> {
  const env: Env = {
    ...process.env,
    KAFKA_TOPIC_PREFIX: `test-import-${run}-${name}`,
    KEYCLOAK_REALM: `test-import-${run}-${name}`,
  };
  const realm = new KeycloakRealm(keycloakConfig(env), await keycloakAdminLogin(env));
  return { env, realm, ledger: new Ledger({ kafka: kafkaConfig(env) }), poolId };
}

export async function seedAndExport(
  s: Scenario,
  pool: ReturnType<typeof generateSyntheticPool>,
  totpLookup = true,
): Promise<{ reader: CognitoPoolReader; client: MeteredCognitoClient }> {
  const cognito = new CognitoComponent(s.env);
  await cognito.reseed((dir) => writeCognitoLocalData(dir, pool));
  const client = createCognitoClient(
    { ...cognitoConfig(s.env), endpoint: cognito.endpoint, maxAttempts: 3 },
    { paced: false },
  );
  const reader = new CognitoPoolReader(client, s.poolId);
  await new PoolExport(s.ledger, reader, client).run({ totpLookup });
  return { reader, client };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

export async function importAll(
  s: Scenario,
  groupId: string,
  onProgress?: (records: number) => void,
): Promise<ImportReport> {
  const settings = {
    kafka: kafkaConfig(s.env),
    keycloak: keycloakConfig(s.env),
    importer: importerConfig(s.env),
    admin: await keycloakAdminLogin(s.env),
  };
  // The importer's Nest module under test, wired as the `ledger import` command wires it.
  const app = await Test.createTestingModule({ imports: [ImporterModule.register(settings)] }).compile();
  app.useLogger(false);
  await app.init();
  try {
    const identityProviders = JSON.parse(
      await readFile(identityProvidersFile, 'utf8'),
    ) as IdentityProviderRepresentation[];
    return await app.get(ImportRun).run({
      groupId,
      follow: false,
      identityProviders,
      ...(onProgress ? { onProgress: (p: { records: number }) => onProgress(p.records) } : {}),
    });
  } finally {
    await app.close();
  }
}

export async function facts(s: Scenario): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = [];
  await s.ledger.scan([s.ledger.topics.userEvents], (record) => void events.push(decodeRecord(record)));
  return events;
}

/** Every user of the realm with groups and links, keyed by Keycloak id. */
export async function snapshot(s: Scenario): Promise<Map<string, TargetUserDetail>> {
  const users = new UserDirectory(s.realm);
  const all = new Map<string, TargetUserDetail>();
  for (let first = 0; ; first += 200) {
    const page = await users.page(first, 200);
    for (const user of page) all.set(user.id, (await users.detail(user.id))!);
    if (page.length < 200) return all;
  }
}

export async function deleteRealm(s: Scenario): Promise<void> {
  await s.realm.call('realm deletion', (c) => c.realms.del({ realm: s.realm.name })).catch(() => undefined);
}
