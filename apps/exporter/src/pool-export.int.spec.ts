import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, it } from '@jest/globals';
import { cognitoConfig, kafkaConfig, type CognitoConfig, type KafkaConfig } from '#config';
import { CognitoPoolReader, createCognitoClient } from '#cognito';
import type { CustomAttribute, LedgerEvent, UserExportedData } from '#events';
import { decodeRecord, Ledger } from '#ledger';
import {
  CognitoComponent,
  generateSyntheticPool,
  projectRoot,
  writeCognitoLocalData,
  type SyntheticUser,
} from '#stack';
import { PoolExport, type ExportSummary } from './pool-export.js';

const poolId = 'us-east-1_ExportIt1';
const seeded = generateSyntheticPool({ users: 1000, seed: 20261124, poolId });
const cognitoComponent = new CognitoComponent(process.env);

function settings(prefix: string): { kafka: KafkaConfig; cognito: CognitoConfig } {
  return {
    kafka: { ...kafkaConfig(process.env), topicPrefix: prefix },
    cognito: { ...cognitoConfig(process.env), endpoint: cognitoComponent.endpoint, maxAttempts: 1 },
  };
}

async function exportOnce(prefix: string, totpLookup = false, paced = false): Promise<ExportSummary> {
  const { kafka, cognito } = settings(prefix);
  const client = createCognitoClient(cognito, { paced });
  const ledger = new Ledger({ kafka });
  return new PoolExport(ledger, new CognitoPoolReader(client, poolId), client).run({ totpLookup });
}

async function readLedger(prefix: string): Promise<{ users: LedgerEvent[]; control: LedgerEvent[] }> {
  const ledger = new Ledger({ kafka: settings(prefix).kafka });
  const users: LedgerEvent[] = [];
  const control: LedgerEvent[] = [];
  await ledger.scan([ledger.topics.userEvents], (record) => void users.push(decodeRecord(record)));
  await ledger.scan([ledger.topics.controlEvents], (record) => void control.push(decodeRecord(record)));
  return { users, control };
}

function exported(events: LedgerEvent[]): UserExportedData[] {
  return events.flatMap((event) => (event.type === 'UserExported' ? [event.data] : []));
}

/** What the exporter must have made of a seeded user, field by field. */
function expectedExport(user: SyntheticUser, totpLookup: boolean): Partial<UserExportedData> {
  const { sub, identities, ...rest } = user.attributes;
  const standard = Object.fromEntries(Object.entries(rest).filter(([name]) => !name.startsWith('custom:')));
  const customTypes = new Map(seeded.customAttributes.map((a) => [a.name, a.type]));
  const customAttributes = Object.fromEntries(
    Object.entries(rest)
      .filter(([name]) => name.startsWith('custom:'))
      .map(([name, value]) => {
        const short = name.slice('custom:'.length);
        const type = customTypes.get(short)!;
        const typed = type === 'Number' ? Number(value) : type === 'Boolean' ? value === 'true' : value;
        return [short, { type, value: typed } as CustomAttribute];
      }),
  );
  const parsedIdentities = identities
    ? (
        JSON.parse(identities) as {
          providerName: string;
          providerType: string;
          userId: string;
          issuer: string | null;
          primary: boolean | string;
          dateCreated: number;
        }[]
      ).map((i) => ({
        provider: i.providerName,
        providerType: i.providerType,
        userId: i.userId,
        issuer: i.issuer ?? null,
        primary: i.primary === true || i.primary === 'true',
        linkedAt: new Date(Number(i.dateCreated)).toISOString(),
      }))
    : [];
  return {
    poolId,
    sub,
    username: user.username,
    status: user.status,
    enabled: user.enabled,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    attributes: standard,
    customAttributes,
    groups: [...user.groups].sort(),
    mfa: {
      sms: user.mfa.sms,
      totp: totpLookup ? user.mfa.totp : null,
      preferred: totpLookup ? (user.mfa.preferred ?? null) : null,
    },
    identities: parsedIdentities,
    anomalies: [],
  };
}

describe('exporting a seeded pool from cognito-local into Kafka', () => {
  beforeAll(async () => {
    await cognitoComponent.reseed((dir) => writeCognitoLocalData(dir, seeded));
  });

  it('writes exactly one UserExported per user, equal field by field to what was seeded', async () => {
    const prefix = `export-${randomUUID().slice(0, 8)}`;
    const summary = await exportOnce(prefix);
    const { users, control } = await readLedger(prefix);
    const facts = exported(users);

    assert.equal(summary.users, 1000);
    assert.equal(summary.published, 1000);
    assert.equal(new Set(users.map((e) => e.id)).size, 1000);
    assert.equal(users.length, 1000);
    const bySub = new Map(facts.map((fact) => [fact.sub, fact]));
    for (const user of seeded.users) {
      assert.deepEqual(bySub.get(user.sub), expectedExport(user, false), `user ${user.username}`);
    }
    assert.deepEqual(
      control.map((e) => e.type),
      ['ExportRunStarted', 'ExportRunCompleted'],
    );
    const statuses = Object.fromEntries(
      [...new Set(seeded.users.map((u) => u.status))].map((s) => [
        s,
        seeded.users.filter((u) => u.status === s).length,
      ]),
    );
    assert.deepEqual(summary.byStatus, statuses);
    assert.equal(summary.disabled, seeded.users.filter((u) => !u.enabled).length);
    assert.equal(summary.groups, seeded.groups.length);
    // Pages of at most 60, groups joined in memory: far fewer calls than users.
    assert.equal(summary.apiCalls.ListUsers, Math.ceil(1000 / 60));
    assert.equal(summary.apiCalls.AdminListGroupsForUser, undefined);
    assert.equal(summary.apiCalls.AdminGetUser, undefined);
  });

  it('adds no new event id when the unchanged pool is exported again', async () => {
    const prefix = `export-${randomUUID().slice(0, 8)}`;
    const first = await exportOnce(prefix);
    const second = await exportOnce(prefix);
    const { users, control } = await readLedger(prefix);

    assert.equal(second.published, 0);
    assert.equal(second.alreadyInLedger, 1000);
    assert.equal(second.digest, first.digest);
    assert.notEqual(second.runId, first.runId);
    assert.equal(users.length, 1000, 'no second copy of any fact');
    assert.equal(control.filter((e) => e.type === 'ExportRunCompleted').length, 2);
  });

  it('learns TOTP enrolment through AdminGetUser only when asked', async () => {
    const prefix = `export-${randomUUID().slice(0, 8)}`;
    const summary = await exportOnce(prefix, true);
    const facts = exported((await readLedger(prefix)).users);
    const bySub = new Map(facts.map((fact) => [fact.sub, fact]));
    for (const user of seeded.users)
      assert.deepEqual(bySub.get(user.sub)?.mfa, expectedExport(user, true).mfa, user.username);
    assert.ok(seeded.users.some((u) => u.mfa.totp));
    assert.equal(summary.apiCalls.AdminGetUser, 1000);
  });

  it('continues a run killed half-way, and the ledger holds every fact exactly once', async () => {
    const prefix = `export-${randomUUID().slice(0, 8)}`;
    // 4 list pages a second: about 5 s for the pool, so the kill lands in the middle.
    const child = spawn(process.execPath, ['dist/apps/cli/src/main.js', 'export'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        KAFKA_TOPIC_PREFIX: prefix,
        COGNITO_ENDPOINT: cognitoComponent.endpoint,
        COGNITO_USER_POOL_ID: poolId,
        COGNITO_RPS_USER_LIST: '4',
      },
      stdio: 'ignore',
    });
    const killed = new Promise((resolve) => child.on('exit', resolve));
    const ledger = new Ledger({ kafka: settings(prefix).kafka });
    await ledger.ensureTopics();
    let written = 0;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      written = 0;
      await ledger.scan([ledger.topics.userEvents], () => void written++);
      if (written >= 120) break;
    }
    child.kill('SIGKILL');
    await killed;
    const before = await readLedger(prefix);
    assert.ok(
      before.users.length > 0 && before.users.length < 1000,
      `killed half-way (${before.users.length} written)`,
    );
    assert.deepEqual(
      before.control.map((e) => e.type),
      ['ExportRunStarted'],
    );

    const resumed = await exportOnce(prefix);
    const after = await readLedger(prefix);
    assert.equal(resumed.resumed, true);
    assert.equal(resumed.runId, before.control[0]!.correlationid);
    assert.equal(resumed.alreadyInLedger, before.users.length);
    assert.equal(after.users.length, 1000, 'every fact once, none twice');
    assert.equal(new Set(after.users.map((e) => e.subject)).size, 1000);
    assert.deepEqual(
      after.control.map((e) => e.type),
      ['ExportRunStarted', 'ExportRunCompleted'],
    );
  });

  it('paces each quota category to its configured rate', async () => {
    const prefix = `export-${randomUUID().slice(0, 8)}`;
    const { kafka, cognito } = settings(prefix);
    const client = createCognitoClient({ ...cognito, quotas: { ...cognito.quotas, userList: 40 } }, { paced: true });
    const started = performance.now();
    const summary = await new PoolExport(new Ledger({ kafka }), new CognitoPoolReader(client, poolId), client).run({
      totpLookup: false,
    });
    const seconds = (performance.now() - started) / 1000;
    const userListCalls = (summary.apiCalls.ListUsers ?? 0) + (summary.apiCalls.ListUsersInGroup ?? 0);
    assert.ok(userListCalls > 80, `enough UserList calls to measure (${userListCalls})`);
    assert.ok(
      seconds >= (userListCalls - 40) / 40,
      `${userListCalls} UserList calls took ${seconds.toFixed(1)} s at 40/s`,
    );
  });
});
