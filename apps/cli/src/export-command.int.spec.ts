import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, it } from '@jest/globals';
import { kafkaConfig } from '#config';
import { Ledger } from '#ledger';
import { CognitoComponent, generateSyntheticPool, projectRoot, writeCognitoLocalData } from '#stack';

const poolId = 'us-east-1_CliFailures';
const prefix = `cli-${randomUUID().slice(0, 8)}`;
const cognito = new CognitoComponent(process.env);
const brokers = kafkaConfig(process.env).brokers.join(',');

function ledgerExport(env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, ['dist/apps/cli/src/main.js', 'export'], {
    cwd: projectRoot,
    // Only the broker of the stack under test is inherited, so each case controls every other setting.
    env: { PATH: process.env.PATH, KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: prefix, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr.trim(), stdout: result.stdout };
}

async function recordsInLedger(): Promise<number> {
  const ledger = new Ledger({ kafka: { ...kafkaConfig(process.env), topicPrefix: prefix } });
  await ledger.ensureTopics();
  let records = 0;
  await ledger.scan([ledger.topics.userEvents, ledger.topics.controlEvents], () => void records++);
  return records;
}

describe('ledger export refuses bad settings with one clear line and writes nothing', () => {
  beforeAll(async () => {
    await cognito.reseed((dir) => writeCognitoLocalData(dir, generateSyntheticPool({ users: 100, poolId })));
  });

  const cases: { name: string; env: () => Record<string, string>; status: number; line: RegExp }[] = [
    {
      name: 'missing pool id',
      env: () => ({ COGNITO_ENDPOINT: cognito.endpoint }),
      status: 2,
      line: /^ledger: configuration error: COGNITO_USER_POOL_ID: is required but not set$/,
    },
    {
      name: 'malformed broker list',
      env: () => ({ COGNITO_ENDPOINT: cognito.endpoint, COGNITO_USER_POOL_ID: poolId, KAFKA_BROKERS: 'kafka' }),
      status: 2,
      line: /^ledger: configuration error: KAFKA_BROKERS: must be host:port/,
    },
    {
      name: 'wrong pool id',
      env: () => ({ COGNITO_ENDPOINT: cognito.endpoint, COGNITO_USER_POOL_ID: 'us-east-1_NoSuchPool' }),
      status: 1,
      line: /^ledger: error: user pool us-east-1_NoSuchPool does not exist at .* \(COGNITO_USER_POOL_ID\)$/,
    },
    {
      name: 'unreachable Cognito endpoint',
      env: () => ({ COGNITO_ENDPOINT: 'http://127.0.0.1:9', COGNITO_USER_POOL_ID: poolId, COGNITO_MAX_ATTEMPTS: '1' }),
      status: 1,
      line: /^ledger: error: Cognito is not reachable at http:\/\/127\.0\.0\.1:9: .*\(COGNITO_ENDPOINT\)$/,
    },
    {
      name: 'unreachable broker',
      env: () => ({ COGNITO_ENDPOINT: cognito.endpoint, COGNITO_USER_POOL_ID: poolId, KAFKA_BROKERS: '127.0.0.1:9' }),
      status: 1,
      line: /^ledger: error: Kafka is not reachable at 127\.0\.0\.1:9 \(KAFKA_BROKERS\)/,
    },
  ];

  for (const { name, env, status, line } of cases) {
    it(name, async () => {
      const result = ledgerExport(env());
      assert.equal(result.status, status, result.stderr);
      assert.equal(result.stderr.split('\n').length, 1, `one line, got:\n${result.stderr}`);
      assert.match(result.stderr, line);
      assert.equal(await recordsInLedger(), 0, 'nothing written');
    });
  }

  it('names every bad setting at once, one line each, and never defaults the broker outside the local profile', async () => {
    const result = ledgerExport({ KAFKA_BROKERS: '', COGNITO_ENDPOINT: 'not-a-url', COGNITO_MAX_ATTEMPTS: 'many' });
    assert.equal(result.status, 2, result.stderr);
    assert.deepEqual(result.stderr.split('\n'), [
      'ledger: configuration error: KAFKA_BROKERS: is required but not set (only LEDGER_PROFILE=local defaults it to the local stack)',
      'ledger: configuration error: COGNITO_ENDPOINT: must be an http(s) URL such as http://127.0.0.1:19229',
      'ledger: configuration error: COGNITO_MAX_ATTEMPTS: must be a whole number from 1 to 20',
      'ledger: configuration error: COGNITO_USER_POOL_ID: is required but not set',
    ]);
    assert.equal(await recordsInLedger(), 0, 'nothing written');
  });

  it('exports once the settings are right', async () => {
    const result = ledgerExport({ COGNITO_ENDPOINT: cognito.endpoint, COGNITO_USER_POOL_ID: poolId });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /users\s+100 \(100 new facts, 0 already in the ledger\)/);
    assert.equal(await recordsInLedger(), 102);
  });
});
