import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { databaseConfig, kafkaConfig, type Env } from '#config';
import {
  freeLoopbackPort,
  KafkaComponent,
  KeycloakServer,
  localProfileEnv,
  loopbackPortFree,
  PostgresComponent,
  projectRoot,
} from '#stack';
import { Namespace, seededRandom, type FaultCase, type FaultOutcome, type FaultSuite } from './fault-cases.js';

/**
 * Fault cases where a server the commands depend on goes away under them: one broker of a 3-node
 * Kafka cluster killed (SIGKILL) during an import or a projection, and Keycloak killed and started
 * again during an import. The cluster is started on first use, on ports 500 above the stack's
 * broker, and stopped by `stopRestartFaultServers`.
 */
let cluster: KafkaComponent | undefined;

async function clusterOf(suite: FaultSuite): Promise<KafkaComponent> {
  if (cluster) return cluster;
  const base = Number(kafkaConfig(localProfileEnv(suite.env)).brokers[0]!.split(':')[1]) + 500;
  const inherited: Record<string, string | undefined> = { ...suite.env };
  delete inherited.KAFKA_BROKERS;
  const env: Env = {
    ...inherited,
    LEDGER_PROFILE: 'local',
    KAFKA_PORT: String(base),
    KAFKA_CONTROLLER_PORT: String(base + 1),
    STACK_KAFKA_BROKERS: '3',
  };
  const candidate = new KafkaComponent(env);
  for (const node of candidate.nodes) {
    if (!(await loopbackPortFree(node.ports.port))) {
      throw new Error(`port ${node.ports.port} is taken: the broker-kill cases need it for their 3-node cluster`);
    }
  }
  await candidate.up(() => undefined);
  cluster = candidate;
  return candidate;
}

/** A namespace whose ledger lives on the 3-node cluster (every other server is the stack's). */
async function clusterNamespace(
  suite: FaultSuite,
  caseName: string,
): Promise<{ ns: Namespace; kafka: KafkaComponent }> {
  const kafka = await clusterOf(suite);
  const base = suite.namespace(caseName);
  const brokers = kafka.nodes.map((node) => `127.0.0.1:${node.ports.port}`).join(',');
  return { ns: new Namespace(suite, { ...base.env, KAFKA_BROKERS: brokers }), kafka };
}

/**
 * SIGKILLs one node of the cluster (never the first bootstrap address) and resolves once it is
 * gone: a `kafka.up()` called while the JVM was still dying found every node running and the
 * cluster answering, and did not start the node again.
 */
async function killBroker(kafka: KafkaComponent, random: () => number): Promise<void> {
  const victim = kafka.nodes[1 + Math.floor(random() * (kafka.nodes.length - 1))]!;
  if (!(await victim.process.kill())) throw new Error(`broker ${victim.ports.nodeId} is not running`);
}

/**
 * Runs `args` and kills a broker once the command has added a seeded 5–25 % of the pool's users
 * to the user topic, then up to 0.5 s later (the ledger's progress, not a clock: a faster machine
 * still meets the kill mid-run). The command either rides the loss out (two of three replicas are
 * enough for acks=all with min.insync.replicas=2) or exits; then the node is started again and the
 * command run to completion. Returns the seconds from the kill to the end of the run that completed.
 */
async function brokerKilledDuring(
  ns: Namespace,
  kafka: KafkaComponent,
  args: readonly string[],
  random: () => number,
  extra: Env = {},
): Promise<number> {
  const records = Math.round(ns.suite.users * (0.05 + random() * 0.2));
  const { done } = await ns.startUntilRecords(args, records, random() * 500, extra);
  await killBroker(kafka, random);
  const killed = performance.now();
  const first = await done;
  const rode = first.code === 0;
  process.stderr.write(
    `  ledger ${args.join(' ')} ${rode ? 'rode out the broker kill' : `exited ${first.code} after the broker kill: ${lastLine(first.stderr)}`}\n`,
  );
  await kafka.up(() => undefined);
  if (!rode) await ns.run(args, extra);
  return (performance.now() - killed) / 1000;
}

/**
 * `ledger export` (paced at about 300 users/s) on the cluster while one broker is SIGKILLed and
 * started again; then the export is run once more, as an operator re-runs a command, and reports
 * every user of the pool (new or already in the ledger): each has its `UserExported` exactly once.
 */
export const brokerKilledDuringExport: FaultCase = {
  name: 'kill 1 of 3 brokers during export',
  async run(suite, seed): Promise<FaultOutcome> {
    const random = seededRandom(seed);
    const { ns, kafka } = await clusterNamespace(suite, 'broker-export');
    await ns.ledger.ensureTopics();
    const slow = { COGNITO_RPS_USER_LIST: '5' };
    const recover = await brokerKilledDuring(ns, kafka, ['export'], random, slow);
    await ns.export(slow);
    await ns.run(['project']);
    return ns.outcome(this.name, recover);
  },
};

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

export const brokerKilledDuringImport: FaultCase = {
  name: 'kill 1 of 3 brokers during import',
  async run(suite, seed): Promise<FaultOutcome> {
    const random = seededRandom(seed);
    const { ns, kafka } = await clusterNamespace(suite, 'broker-import');
    await ns.export();
    const recover = await brokerKilledDuring(ns, kafka, ['import'], random);
    await ns.run(['project']);
    return ns.outcome(this.name, recover, await ns.importCheck());
  },
};

/**
 * `project --follow` on the cluster while one broker is SIGKILLed and started again; then the
 * follower is stopped (SIGTERM) and a one-shot `project` finishes what is left. The projections
 * must equal a clean replay: no batch applied twice across the leader changes.
 */
export const brokerKilledDuringProjection: FaultCase = {
  name: 'kill 1 of 3 brokers during project --follow',
  async run(suite, seed): Promise<FaultOutcome> {
    const random = seededRandom(seed);
    const { ns, kafka } = await clusterNamespace(suite, 'broker-project');
    await ns.export();
    const { child, done } = ns.start(['project', '--follow']);
    await sleep(500 + random() * 1500);
    await killBroker(kafka, random);
    const killed = performance.now();
    await kafka.up(() => undefined);
    await sleep(2000);
    child.kill('SIGTERM');
    await done;
    await ns.run(['project']);
    return ns.outcome(this.name, (performance.now() - killed) / 1000);
  },
};

/**
 * Keycloak SIGKILLed during `ledger import` and started again at once: the import rides it out
 * (its batch pauses and retries) or exits naming the target, then a second run completes, and
 * each exported user has exactly one import outcome; what Keycloak holds is what the ledger says (the run's own link checks).
 */
export const keycloakRestartedDuringImport: FaultCase = {
  name: 'restart Keycloak during import',
  async run(suite, seed): Promise<FaultOutcome> {
    const random = seededRandom(seed);
    const ns = suite.namespace('keycloak-import');
    const keycloak = new KeycloakServer(suite.env);
    await ns.export();
    // Once a seeded 5–25 % of the users have their import outcome in the ledger (progress, not a
    // clock: a faster machine still meets the kill mid-import), then up to 0.5 s later.
    const records = Math.round(suite.users * (0.05 + random() * 0.2));
    const { done } = await ns.startUntilRecords(['import'], records, random() * 500);
    if (!(await keycloak.kill()))
      throw new Error('Keycloak was not started by this stack: it cannot be restarted here');
    const killed = performance.now();
    // Started again while the import runs: an import whose batch meets Keycloak down pauses and
    // retries (it does not exit), so waiting for it to end first would wait for ever.
    await keycloak.up(() => undefined);
    const first = await done;
    process.stderr.write(
      `  ledger import ${first.code === 0 ? 'rode out the Keycloak restart' : `exited ${first.code} when Keycloak went away: ${lastLine(first.stderr)}`}\n`,
    );
    if (first.code !== 0) await ns.run(['import']);
    const recover = (performance.now() - killed) / 1000;
    await ns.run(['project']);
    return ns.outcome(this.name, recover, await ns.importCheck());
  },
};

const run = promisify(execFile);

/**
 * The projection's database runs out of disk: a private embedded PostgreSQL whose data folder is
 * a small tmpfs (mounted here, hence root only), filled with a ballast file to a few megabytes
 * short of full once the ledger holds the export. `ledger project` must stop with an error that
 * says what failed (PostgreSQL may also stop itself when it cannot write its WAL); then the ballast
 * is removed, the server started again if it stopped, and the next run must resume and end equal to
 * a clean replay.
 */
export const projectionDiskFull: FaultCase = {
  name: 'disk full under project',
  async run(suite, seed): Promise<FaultOutcome> {
    const random = seededRandom(seed);
    const stackDir = resolve(projectRoot, '.stack', `fault-disk-${randomUUID().slice(0, 8)}`);
    const mountPoint = join(stackDir, 'postgres');
    await mkdir(mountPoint, { recursive: true });
    await run('mount', ['-t', 'tmpfs', '-o', 'size=256m,mode=0755', 'tmpfs', mountPoint]);
    const serverEnv: Env = {
      ...suite.env,
      LEDGER_PROFILE: 'local',
      POSTGRES_PORT: String(await freeLoopbackPort()),
      STACK_DIR: stackDir,
    };
    delete (serverEnv as Record<string, string | undefined>).DATABASE_URL;
    const postgres = new PostgresComponent(serverEnv);
    const ballast = join(mountPoint, 'ballast');
    const failures: string[] = [];
    try {
      await postgres.up(() => undefined);
      const ns = suite.namespace('disk', { DATABASE_URL: databaseConfig(localProfileEnv(serverEnv)).url });
      await ns.export();
      // Leave 2–6 MB: less than one WAL segment (16 MB), so the projection cannot finish.
      const free = await statfs(mountPoint);
      const leave = (2 + Math.floor(random() * 4)) * 1024 * 1024;
      await writeFile(ballast, Buffer.alloc(Math.max(0, free.bavail * free.bsize - leave)));
      const projecting = ns.start(['project']);
      // A projector that retried forever on the full disk would never end: two minutes is "never".
      const killer = setTimeout(() => projecting.child.kill('SIGKILL'), 120_000);
      const full = await projecting.done;
      clearTimeout(killer);
      if (full.signal === 'SIGKILL') failures.push('ledger project did not stop within 2 min with the disk full');
      else if (full.code === 0) failures.push('ledger project exited 0 with the disk full');
      else {
        process.stderr.write(`  ledger project exited ${full.code} on the full disk: ${lastLine(full.stderr)}\n`);
        // The projector names the full disk; if PostgreSQL stopped itself instead (no room for its WAL), the lost connection.
        if (!/out of disk space \(SQLSTATE 53100|terminat|ECONNREFUSED|connection/i.test(full.stderr))
          failures.push(`ledger project did not say the disk is full: ${lastLine(full.stderr)}`);
      }
      await rm(ballast, { force: true });
      const freed = performance.now();
      await postgres.up(() => undefined);
      await ns.run(['project']);
      const outcome = await ns.outcome(this.name, (performance.now() - freed) / 1000);
      return { ...outcome, failures: [...outcome.failures, ...failures] };
    } finally {
      await postgres.down().catch(() => undefined);
      await run('umount', [mountPoint]).catch(() => undefined);
      await rm(stackDir, { recursive: true, force: true });
    }
  },
};

export const restartFaultCases: readonly FaultCase[] = [
  brokerKilledDuringExport,
  brokerKilledDuringImport,
  brokerKilledDuringProjection,
  keycloakRestartedDuringImport,
  // Mounting a tmpfs needs root; elsewhere the case is left out (faults-main says so).
  ...(process.getuid?.() === 0 ? [projectionDiskFull] : []),
];

export async function stopRestartFaultServers(): Promise<void> {
  await cluster?.down();
  cluster = undefined;
}
