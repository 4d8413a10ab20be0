import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { kafkaConfig, type Env } from '#config';
import { Ledger } from '#ledger';
import {
  CognitoComponent,
  generateSyntheticPool,
  KafkaComponent,
  localProfileEnv,
  loopbackPortFree,
  projectRoot,
  writeCognitoLocalData,
} from '#stack';

/**
 * A 3-node KRaft cluster of its own (`stack up --brokers 3`, STACK_KAFKA_BROKERS=3) on ports 400
 * above the stack's: the ledger's topics get 3 replicas and min.insync.replicas=2, and an export
 * during which one node is killed (SIGKILL, no controlled shutdown) completes with every user's
 * fact in the ledger exactly once: what it reports written is what the ledger holds.
 */
const base = kafkaConfig(localProfileEnv(process.env)).brokers[0]!.split(':')[1]!;
const kafkaPort = Number(base) + 400;
const inherited: Record<string, string | undefined> = { ...process.env };
delete inherited.KAFKA_BROKERS;
// KAFKA_BROKERS left unset: the local profile's default lists the cluster's three nodes.
const clusterEnv: Env = {
  ...inherited,
  LEDGER_PROFILE: 'local',
  KAFKA_PORT: String(kafkaPort),
  KAFKA_CONTROLLER_PORT: String(kafkaPort + 1),
  STACK_KAFKA_BROKERS: '3',
};
const cluster = new KafkaComponent(clusterEnv);
const brokers = kafkaConfig(localProfileEnv(clusterEnv)).brokers;
const prefix = `cluster-${randomUUID().slice(0, 8)}`;
const ledger = new Ledger({ kafka: { ...kafkaConfig(localProfileEnv(clusterEnv)), topicPrefix: prefix } });
const cognito = new CognitoComponent(process.env);
const poolId = 'us-east-1_ClusterKill';
const users = 4000;

/** `ledger export` as a user runs it, against the cluster; resolves with its exit code and output. */
function exportRun(): { done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['dist/apps/cli/src/main.js', 'export'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      COGNITO_ENDPOINT: cognito.endpoint,
      COGNITO_USER_POOL_ID: poolId,
      // Slow enough (about 300 users/s) that the kill lands in the middle of the export.
      COGNITO_RPS_USER_LIST: '5',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))) };
}

/**
 * Records in the user topic so far (0 before it exists). Read from the partitions' end offsets,
 * not a consumer group's lag: a new cluster's group coordinator (its __consumer_offsets topic,
 * 3 replicas) can take a while to come up on a loaded machine, and the probe must not wait on it.
 */
async function recordsWritten(): Promise<bigint> {
  const origin = await ledger.origin([ledger.topics.userEvents]).catch(() => undefined);
  return [...(origin?.topics.get(ledger.topics.userEvents)?.ends.values() ?? [])].reduce((sum, end) => sum + end, 0n);
}

async function factsInLedger(): Promise<{ exported: number; duplicated: number }> {
  const ids = new Map<string, number>();
  let exported = 0;
  await ledger.scan([ledger.topics.userEvents], (record) => {
    const id = record.headers.ce_id!;
    ids.set(id, (ids.get(id) ?? 0) + 1);
    if (record.headers.ce_type === 'UserExported') exported++;
  });
  return { exported, duplicated: [...ids.values()].filter((count) => count > 1).length };
}

describe('Kafka as a 3-node cluster', () => {
  beforeAll(async () => {
    for (const node of cluster.nodes) {
      assert.ok(await loopbackPortFree(node.ports.port), `port ${node.ports.port} must be free for this test`);
    }
    const started = performance.now();
    await cluster.up(() => undefined);
    console.log(`3-node cluster up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await cognito.reseed((dir) => writeCognitoLocalData(dir, generateSyntheticPool({ users, poolId })));
  });

  afterAll(async () => {
    await cluster.down();
  });

  it('registers three brokers; stack status names the cluster', async () => {
    assert.equal(await ledger.brokerCount(), 3);
    const status = await cluster.status();
    assert.equal(status.state, 'up');
    assert.match(status.detail, /3-node cluster, pid \d+, \d+, \d+/);
  });

  it('an export survives the kill of one broker: topics RF 3 / min ISR 2, each fact exactly once, no second run', async () => {
    const run = exportRun();
    let ended: { code: number | null; stdout: string; stderr: string } | undefined;
    void run.done.then((result) => (ended = result));
    // Kill a node that is not the first bootstrap address once part of the export is written.
    const deadline = Date.now() + 120_000;
    let before = await recordsWritten();
    while (before < 500n) {
      // An export that stopped early says why, rather than leaving the wait to run out.
      if (ended !== undefined) {
        assert.fail(`the export ended (exit ${ended.code}) after ${before} records, before the kill: ${ended.stderr}`);
      }
      assert.ok(Date.now() < deadline, `the export wrote ${before} records within 2 minutes`);
      await sleep(100);
      before = await recordsWritten();
    }
    const victim = cluster.nodes[1]!;
    const pid = (await victim.process.runningPid())!;
    process.kill(-pid, 'SIGKILL');
    console.log(`killed node ${victim.ports.nodeId} (pid ${pid}) after ${before} records`);

    const result = await run.done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`users +${users} \\(${users} new facts`));

    const replication = await ledger.topicReplication([
      ledger.topics.userEvents,
      ledger.topics.controlEvents,
      ledger.topics.deadLetter,
    ]);
    for (const topic of replication) {
      assert.equal(topic.replicas, 3, `${topic.topic}: ${JSON.stringify(topic)}`);
      assert.equal(topic.minInSyncReplicas, 2, `${topic.topic}: ${JSON.stringify(topic)}`);
    }

    // No second export: every fact the command reported written is in the ledger, once.
    const facts = await factsInLedger();
    console.log(
      `after the kill: ${facts.exported} of ${users} UserExported facts in the ledger, ${facts.duplicated} duplicated`,
    );
    assert.equal(facts.duplicated, 0, `${facts.duplicated} event ids written more than once`);
    assert.equal(facts.exported, users, 'every exported user has exactly one UserExported fact');
  });

  it('stack status names the lost node, and stack up starts it again', async () => {
    const lost = cluster.nodes[1]!;
    assert.equal(await lost.process.runningPid(), undefined, 'the node killed above is still down');
    assert.match((await cluster.status()).detail, new RegExp(`node ${lost.ports.nodeId} not running`));
    await cluster.up(() => undefined);
    assert.equal(await ledger.brokerCount(), 3);
    assert.doesNotMatch((await cluster.status()).detail, /not running/);
  });
});
