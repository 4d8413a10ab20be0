import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { databaseConfig, kafkaConfig, keycloakConfig, type Env } from '#config';
import { createEvent, type LedgerEvent } from '#events';
import { KeycloakRealm } from '#keycloak';
import { Ledger, LedgerTopicsMissingError } from '#ledger';
import {
  CognitoComponent,
  freeLoopbackPorts,
  generateSyntheticPool,
  keycloakAdminLogin,
  localProfileEnv,
  MailCatcher,
  PostgresComponent,
  projectRoot,
  writeCognitoLocalData,
} from '#stack';
import { ProjectorInstance } from './projector-instance.js';

/**
 * The fault suite: each case runs a long-running `ledger` command as an operator would, kills it
 * with SIGKILL at points drawn from a fixed seed (no chance of a clean shutdown), runs it again
 * until it completes, and then checks the ledger and the projections:
 * - each fact is in the ledger exactly once (by event id), and every user the pool holds has its
 *   UserExported fact: nothing a run reported written is missing;
 * - the projections the killed and resumed projector left are what a clean replay of the ledger
 *   into an empty schema gives (`ledger replay --compare`: equal digests, exit 0).
 */
export interface FaultOutcome {
  readonly case: string;
  readonly runs: number;
  readonly factsLost: number;
  readonly factsDuplicated: number;
  readonly digestEqual: boolean;
  /** From each kill to the end of the run that completed after it; the slowest of the runs. */
  readonly recoverSeconds: number;
  /** What else a case found wrong (e.g. a readiness answer that did not match the projection); none when empty. */
  readonly failures: readonly string[];
}

export interface FaultCase {
  readonly name: string;
  run(suite: FaultSuite, seed: number): Promise<FaultOutcome>;
}

/** mulberry32: a small, well-known seeded generator, so that a case's kill points repeat run after run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Completed {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One namespace (topics, schema) per case run on the local stack, and the `ledger` commands in it. */
export class FaultSuite {
  readonly cognito: CognitoComponent;
  readonly poolId = 'us-east-1_FaultSuite';

  constructor(
    readonly env: Env,
    readonly users: number,
  ) {
    this.cognito = new CognitoComponent(env);
  }

  async seedPool(): Promise<void> {
    await this.cognito.reseed((dir) =>
      writeCognitoLocalData(dir, generateSyntheticPool({ users: this.users, poolId: this.poolId, seed: 17 })),
    );
  }

  namespace(caseName: string, extra: Env = {}): Namespace {
    const id = randomUUID().slice(0, 8);
    return new Namespace(this, {
      ...localProfileEnv(this.env),
      KAFKA_TOPIC_PREFIX: `fault-${caseName}-${id}`,
      PROJECTION_SCHEMA: `fault_${id}`,
      // One group per case: the projector instances of a case share partitions with nobody else.
      PROJECTOR_GROUP_ID: `fault-${caseName}-${id}`,
      COGNITO_ENDPOINT: this.cognito.endpoint,
      COGNITO_USER_POOL_ID: this.poolId,
      LOG_LEVEL: 'error',
      ...extra,
    });
  }
}

export class Namespace {
  readonly ledger: Ledger;

  constructor(
    readonly suite: FaultSuite,
    readonly env: Env,
  ) {
    this.ledger = new Ledger({ kafka: kafkaConfig(env) });
  }

  start(args: readonly string[], extra: Env = {}): { child: ChildProcess; done: Promise<Completed> } {
    const child = spawn(process.execPath, ['dist/apps/cli/src/main.js', ...args], {
      cwd: projectRoot,
      env: { ...this.env, ...extra },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const done = new Promise<Completed>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
    );
    return { child, done };
  }

  async run(args: readonly string[], extra: Env = {}): Promise<Completed> {
    const completed = await this.start(args, extra).done;
    if (completed.code !== 0) {
      throw new Error(`ledger ${args.join(' ')} exited ${completed.code}: ${completed.stderr.trim().slice(-800)}`);
    }
    return completed;
  }

  /** Starts the command, SIGKILLs it after `afterMs` unless it ended; true when the kill landed. */
  async killAfter(args: readonly string[], afterMs: number, extra: Env = {}): Promise<boolean> {
    const { child, done } = this.start(args, extra);
    const ended = await Promise.race([done.then(() => true), sleep(afterMs, false)]);
    if (ended) return false;
    child.kill('SIGKILL');
    await done;
    return true;
  }

  /**
   * Starts the command and returns once it has appended `records` facts to the user topic and then
   * waited up to `jitterMs` more, so a fault falls anywhere in the next batch. Driven by the
   * ledger's progress, not by a clock: a faster machine ends the command sooner but still meets the
   * fault at the same point of its work. A command that ends first is a failure of the case,
   * reported with how far it got, its exit and the end of what it printed: one that exits on its
   * own mid-run is a finding, a finished one a pool too small for the case.
   */
  async startUntilRecords(
    args: readonly string[],
    records: number,
    jitterMs: number,
    extra: Env = {},
  ): Promise<{ child: ChildProcess; done: Promise<Completed> }> {
    const before = await this.userTopicEnd();
    const started = this.start(args, extra);
    let completed: Completed | undefined;
    void started.done.then((c) => (completed = c));
    while (completed === undefined && (await this.userTopicEnd()) - before < records) await sleep(50);
    if (completed === undefined) await sleep(jitterMs);
    if (completed !== undefined) {
      const reached = (await this.userTopicEnd()) - before;
      const printed = (completed.stderr.trim() || completed.stdout.trim()).slice(-800);
      throw new Error(
        `ledger ${args.join(' ')} ended (exit ${completed.code ?? completed.signal}) before its fault, ` +
          `${reached} of the ${records} facts the fault waited for recorded: ${printed}`,
      );
    }
    return started;
  }

  /** {@link startUntilRecords}, then SIGKILL. */
  async killAfterRecords(args: readonly string[], records: number, jitterMs: number, extra: Env = {}): Promise<void> {
    const { child, done } = await this.startUntilRecords(args, records, jitterMs, extra);
    child.kill('SIGKILL');
    await done;
  }

  /**
   * Records in the user topic so far (0 before the topics exist): a case's measure of progress. On
   * a cluster, a topic just created may be known to one broker and not yet to the next one asked.
   */
  async userTopicEnd(): Promise<number> {
    if (!(await this.ledger.hasTopics([this.ledger.topics.userEvents]))) return 0;
    try {
      const partitions = await this.ledger.lag('fault-suite-progress', [this.ledger.topics.userEvents]);
      return partitions.reduce((sum, p) => sum + Number(p.end), 0);
    } catch (error) {
      if (error instanceof LedgerTopicsMissingError) return 0;
      throw error;
    }
  }

  /** The users the last completed `ledger export` reported in the ledger (new or already there). */
  reportedUsers = 0;

  async export(extra: Env = {}): Promise<void> {
    const { stdout } = await this.run(['export'], extra);
    const users = /^\s*users\s+(\d+) \(/m.exec(stdout);
    if (users === null) throw new Error(`ledger export printed no user count: ${stdout}`);
    this.reportedUsers = Number(users[1]);
  }

  /** Each fact once by id; every user the export reported has its UserExported fact. */
  async ledgerCheck(): Promise<{ lost: number; duplicated: number }> {
    const ids = new Map<string, number>();
    const exported = new Set<string>();
    await this.ledger.scan([this.ledger.topics.userEvents], (record) => {
      const id = record.headers.ce_id ?? '';
      ids.set(id, (ids.get(id) ?? 0) + 1);
      if (record.headers.ce_type === 'UserExported') exported.add(record.headers.ce_subject ?? id);
    });
    const duplicated = [...ids.values()].reduce((sum, count) => sum + (count - 1), 0);
    return { lost: Math.max(0, this.reportedUsers - exported.size), duplicated };
  }

  /**
   * Every user the export reported has exactly one import outcome (`UserImported` or
   * `UserImportFailed`): an import killed and run again neither skips a user nor records one twice.
   */
  async importCheck(): Promise<{ lost: number; duplicated: number }> {
    const outcomes = new Map<string, number>();
    await this.ledger.scan([this.ledger.topics.userEvents], (record) => {
      const type = record.headers.ce_type;
      if (type !== 'UserImported' && type !== 'UserImportFailed') return;
      const subject = record.headers.ce_subject ?? '';
      outcomes.set(subject, (outcomes.get(subject) ?? 0) + 1);
    });
    const duplicated = [...outcomes.values()].reduce((sum, count) => sum + (count - 1), 0);
    return { lost: Math.max(0, this.reportedUsers - outcomes.size), duplicated };
  }

  /**
   * For each partition of the ledger, how many records the projection has not applied yet: its
   * end now minus the offset stored in the schema (0 for a partition not begun). The truth a
   * projector's readiness answer is held to.
   */
  async projectionLag(): Promise<number> {
    const topics = [this.ledger.topics.userEvents, this.ledger.topics.controlEvents];
    const ends = await this.ledger.lag(this.env.PROJECTOR_GROUP_ID!, topics);
    const db = new pg.Client({ connectionString: databaseConfig(this.env).url });
    await db.connect();
    try {
      const stored = await db
        .query<{ topic: string; partition: number; next_offset: string }>(
          `select topic, partition, next_offset from "${this.env.PROJECTION_SCHEMA}".projection_offset`,
        )
        .then((r) => r.rows)
        .catch(() => []);
      const next = new Map(stored.map((r) => [`${r.topic}/${r.partition}`, BigInt(r.next_offset)]));
      return ends.reduce((sum, p) => {
        const done = next.get(`${p.topic}/${p.partition}`) ?? 0n;
        return sum + Number(p.end > done ? p.end - done : 0n);
      }, 0);
    } finally {
      await db.end();
    }
  }

  /** Whether the projector process `pid` is inside a batch transaction right now. */
  async inBatch(pid: number): Promise<boolean> {
    const ports = await localTcpPorts(pid);
    if (ports.length === 0) return false;
    const db = new pg.Client({ connectionString: databaseConfig(this.env).url });
    await db.connect();
    try {
      const { rows } = await db.query<{ open: number }>(
        `select count(*)::int as open from pg_stat_activity
          where application_name = $1 and xact_start is not null and state <> 'idle' and client_port = any($2::int[])`,
        [`projector:${this.env.PROJECTION_SCHEMA}`, ports],
      );
      return rows[0]!.open > 0;
    } finally {
      await db.end();
    }
  }

  /** The case's row after its last run: the ledger's facts checked (plus `more`, a case's own check) and the digest. */
  async outcome(
    caseName: string,
    recoverSeconds: number,
    more: { lost: number; duplicated: number } = { lost: 0, duplicated: 0 },
  ): Promise<FaultOutcome> {
    const facts = await this.ledgerCheck();
    return {
      case: caseName,
      runs: 1,
      factsLost: facts.lost + more.lost,
      factsDuplicated: facts.duplicated + more.duplicated,
      digestEqual: await this.digestEqual(),
      recoverSeconds,
      failures: [],
    };
  }

  async digestEqual(): Promise<boolean> {
    const { code, stdout } = await this.start(['replay', '--compare']).done;
    return code === 0 && stdout.includes('Identical');
  }
}

/** kill -9 of `ledger export` at seeded points, then a run to completion. */
export const exportKilled: FaultCase = {
  name: 'kill -9 export',
  async run(suite, seed) {
    const random = seededRandom(seed);
    const ns = suite.namespace('export');
    // Slow enough that a kill lands between the pages of an export (about 300 users/s).
    const slow = { COGNITO_RPS_USER_LIST: '5' };
    // Killed twice in a row, each once 5–25 % of the pool more is in the ledger (the second run
    // resumes what the first left), then run to the end.
    for (let kill = 0; kill < 2; kill++) {
      const records = Math.round(suite.users * (0.05 + random() * 0.2));
      await ns.killAfterRecords(['export'], records, random() * 400, slow);
    }
    const started = performance.now();
    await ns.export(slow);
    const recover = (performance.now() - started) / 1000;
    await ns.run(['project']);
    return ns.outcome(this.name, recover);
  },
};

/** kill -9 of `ledger project --follow` at seeded points while it projects, then a run to the end. */
export const projectFollowKilled: FaultCase = {
  name: 'kill -9 project --follow',
  async run(suite, seed) {
    const random = seededRandom(seed);
    const ns = suite.namespace('project');
    await ns.export();
    let recover = 0;
    for (let kill = 0; kill < 3; kill++) {
      await ns.killAfter(['project', '--follow'], 1000 + random() * 4000);
      const started = performance.now();
      await ns.run(['project']);
      recover = Math.max(recover, (performance.now() - started) / 1000);
    }
    return ns.outcome(this.name, recover);
  },
};

/**
 * kill -9 of `ledger import` at seeded points while it writes to Keycloak, then a run to the end:
 * the suite's checks, and each exported user with exactly one import outcome.
 */
export const importKilled: FaultCase = {
  name: 'kill -9 import',
  async run(suite, seed) {
    const random = seededRandom(seed);
    const ns = suite.namespace('import');
    await ns.export();
    // Killed twice, each once 5–25 % of the pool more has an outcome in the ledger, and then within
    // the next batches (IMPORT_BATCH_SIZE 25): users written to Keycloak whose facts are not.
    for (let kill = 0; kill < 2; kill++) {
      const records = Math.round(suite.users * (0.05 + random() * 0.2));
      await ns.killAfterRecords(['import'], records, random() * 1500);
    }
    const started = performance.now();
    await ns.run(['import']);
    const recover = (performance.now() - started) / 1000;
    await ns.run(['project']);
    return ns.outcome(this.name, recover, await ns.importCheck());
  },
};

/**
 * Two `ledger project --follow` instances of one group on one schema share the partitions; one is
 * killed with SIGKILL inside a batch transaction while an export streams facts in. The survivor
 * must take the dead one's partitions over (after the group's session timeout) and project them
 * from the offsets stored in the schema: no fact counted twice (the digest equals a clean
 * replay). Its readiness answers (PROJECTOR_READY_MAX_LAG=0) are held to the truth measured
 * around each: not ready while the dead instance's partitions wait, with the lag there is, and
 * ready only once nothing is left.
 */
export const twoProjectorsOneKilled: FaultCase = {
  name: 'two projectors, kill -9 one mid-batch',
  async run(suite, seed) {
    const random = seededRandom(seed);
    const ns = suite.namespace('instances');
    const failures: string[] = [];
    await ns.ledger.ensureTopics();
    const [portA, portB] = await freeLoopbackPorts(2);
    const instance = (port: number) =>
      new ProjectorInstance(
        ns.start(['project', '--follow'], {
          PROJECTOR_PORT: String(port),
          PROJECTOR_READY_MAX_LAG: '0',
          // The dead instance's partitions move after 10 s rather than the default 30 s.
          PROJECTOR_SESSION_TIMEOUT_MS: '10000',
        }),
        port,
      );
    const killed = instance(portA!);
    const survivor = instance(portB!);
    try {
      for (const projector of [killed, survivor]) {
        const answer = await projector.untilReady(60_000);
        if (answer.lag !== 0) failures.push(`an instance answered ready with lag ${answer.lag} before any fact`);
      }
      const exporting = ns.export({ COGNITO_RPS_USER_LIST: '5' });
      // Both project (each was given partitions of its own) before the kill.
      await until(
        async () => (await killed.eventsProjected()) > 0 && (await survivor.eventsProjected()) > 0,
        60_000,
        'both instances projecting',
      );
      await sleep(random() * 1500);
      // Mid-batch: a transaction of the instance is open right now (within a few seconds; else the kill lands between batches).
      let midBatch = false;
      for (let tries = 0; tries < 1000 && !midBatch; tries++) {
        midBatch = await ns.inBatch(killed.pid);
        if (!midBatch) await sleep(5);
      }
      process.stderr.write(`  killing one instance ${midBatch ? 'inside a batch transaction' : 'between batches'}\n`);
      const killedAt = performance.now();
      await killed.kill();
      await exporting;
      // The survivor, until it answers ready; each answer compared with the lag measured just before and just after.
      let notReady = 0;
      for (;;) {
        if (performance.now() - killedAt > 180_000) throw new Error('the survivor never answered ready after the kill');
        const before = await ns.projectionLag();
        const answer = await survivor.readiness();
        const after = await ns.projectionLag();
        // The export has ended: ends no longer move, stored offsets only grow, so the truth at the answer lies in [after, before].
        if (answer.lag < after || answer.lag > before) {
          failures.push(
            `the survivor answered lag ${answer.lag} while the projection's lag went from ${before} to ${after}`,
          );
        }
        if (answer.ready !== (answer.lag === 0))
          failures.push(`the survivor answered ready=${answer.ready} with lag ${answer.lag}`);
        if (answer.ready) break;
        notReady++;
        await sleep(500);
      }
      const recover = (performance.now() - killedAt) / 1000;
      if (notReady === 0)
        failures.push('the survivor answered ready at once although the killed instance left partitions behind');
      await survivor.stop();
      const outcome = await ns.outcome(this.name, recover);
      return { ...outcome, failures: [...outcome.failures, ...failures] };
    } finally {
      await Promise.all([killed.kill(), survivor.kill()]);
    }
  },
};

/**
 * kill -9 of `ledger reconcile` at seeded points while it e-mails long-tail users their password
 * reset (through Keycloak, caught by the stack's maildev), then passes to completion. Each user
 * due a reset ends with exactly one `ResetSent` fact and exactly one e-mail: a kill between
 * Keycloak's send and the fact must neither lose the user nor mail them twice (the send journal,
 * docs/reconciler.md).
 */
export const reconcileKilled: FaultCase = {
  name: 'kill -9 reconcile',
  async run(suite, seed) {
    const random = seededRandom(seed);
    const id = randomUUID().slice(0, 8);
    const realmName = `fault-reconcile-${id}`;
    const policyFile = join(tmpdir(), `fault-reconcile-${id}.yaml`);
    // 10 e-mails a second: a pass takes seconds, so the kills land among the sends.
    await writeFile(policyFile, 'longTail:\n  afterDays: 45\nresets:\n  sendRatePerHour: 36000\n');
    const ns = suite.namespace('reconcile', {
      KEYCLOAK_REALM: realmName,
      RECONCILER_SCHEMA: `fault_journal_${id}`,
      RECONCILER_POLICY_FILE: policyFile,
    });
    const catcher = new MailCatcher(ns.env);
    await catcher.up(() => undefined);
    const realm = new KeycloakRealm(keycloakConfig(ns.env), await keycloakAdminLogin(ns.env));
    await realm.call('create realm', (c) => c.realms.create({ realm: realmName, enabled: true }));
    try {
      const users = await longTailUsers(realm, realmName, id, 40);
      await recordLongTail(ns, users);
      const at = firstResetPass;
      let kills = 0;
      for (let kill = 0; kill < 2; kill++) {
        if (await ns.killAfter(at, 2500 + random() * 4000)) kills++;
        // What a killed pass recorded reaches the projection, as it would between two passes.
        await ns.run(['project']);
      }
      if (kills === 0) throw new Error('every reconcile pass ended before its kill');
      process.stderr.write(`  ${kills} kills landed\n`);
      return await finishResetPasses(ns, at, catcher, users, this.name, performance.now(), []);
    } finally {
      await realm.call('delete realm', (c) => c.realms.del({ realm: realmName })).catch(() => undefined);
    }
  },
};

/**
 * kill -9 of `ledger watch --follow` at seeded points while its reconciliation pass reads the
 * pending users of a realm and records what it finds, then `ledger watch` to completion. Every
 * imported user holds a password in Keycloak that the ledger has no `PasswordMigrated` for (the
 * bridge stored it, its confirmation was lost): each ends with exactly one `PasswordMigrated`.
 */
export const watchFollowKilled: FaultCase = {
  name: 'kill -9 watch --follow',
  async run(suite, seed) {
    const random = seededRandom(seed);
    const id = randomUUID().slice(0, 8);
    const realmName = `fault-watch-${id}`;
    const ns = suite.namespace('watch', { KEYCLOAK_REALM: realmName, WATCHER_SCHEMA: `fault_watcher_${id}` });
    const realm = new KeycloakRealm(keycloakConfig(ns.env), await keycloakAdminLogin(ns.env));
    await realm.call('create realm', (c) => c.realms.create({ realm: realmName, enabled: true }));
    try {
      const users = await longTailUsers(realm, realmName, id, 150, randomUUID());
      await ns.ledger.ensureTopics();
      const publisher = await ns.ledger.publisher();
      await publisher.publish(users.flatMap((u) => u.facts));
      await publisher.close();
      let kills = 0;
      // Later and later: in the middle of the reading, around the one publish at its end, after it.
      for (let kill = 0; kill < 3; kill++) {
        if (await ns.killAfter(['watch', '--follow'], 2000 + kill * 10_000 + random() * 8000)) kills++;
      }
      if (kills === 0) throw new Error('every watch --follow ended before its kill');
      const started = performance.now();
      await runShowingHead(ns, ['watch'], 4);
      const recover = (performance.now() - started) / 1000;
      await ns.run(['project']);
      const migrated = new Map<string, number>();
      await ns.ledger.scan([ns.ledger.topics.userEvents], (record) => {
        if (record.headers.ce_type !== 'PasswordMigrated') return;
        const subject = record.headers.ce_subject ?? '';
        migrated.set(subject, (migrated.get(subject) ?? 0) + 1);
      });
      const lost = users.filter((u) => !migrated.has(u.sub)).length;
      const duplicated = [...migrated.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
      return await ns.outcome(this.name, recover, { lost, duplicated });
    } finally {
      await realm.call('delete realm', (c) => c.realms.del({ realm: realmName })).catch(() => undefined);
    }
  },
};

/**
 * PostgreSQL stopped and started again while `ledger project --follow` projects an export as it
 * streams in. The machine's shared server is never touched: the case starts a private embedded
 * PostgreSQL (tools/stack) for its projection and stops it (fast shutdown: sessions cut) at a
 * seeded point, for a seeded while. The projector must either ride the outage out (its failed
 * batches retried, never skipped) or exit non-zero with an error that says what failed, and then
 * resume on the next run; either way the projection ends equal to a clean replay.
 */
export const postgresRestarted: FaultCase = {
  name: 'PostgreSQL restarted during project --follow',
  async run(suite, seed) {
    const random = seededRandom(seed);
    const id = randomUUID().slice(0, 8);
    const [projectorPort] = await freeLoopbackPorts(1);
    const { postgres, stackDir, serverEnv } = await privatePostgres(suite, `fault-postgres-${id}`);
    const failures: string[] = [];
    try {
      await postgres.up(() => undefined);
      const ns = suite.namespace('postgres', { DATABASE_URL: databaseConfig(localProfileEnv(serverEnv)).url });
      await ns.ledger.ensureTopics();
      const projector = new ProjectorInstance(
        ns.start(['project', '--follow'], { PROJECTOR_PORT: String(projectorPort), PROJECTOR_READY_MAX_LAG: '0' }),
        projectorPort!,
      );
      try {
        await projector.untilReady(60_000);
        const exporting = ns.export({ COGNITO_RPS_USER_LIST: '5' });
        await until(async () => (await projector.eventsProjected()) > 0, 60_000, 'the projector projecting');
        await sleep(random() * 2000);
        await postgres.down();
        await sleep(2000 + random() * 6000);
        await postgres.up(() => undefined);
        const restartedAt = performance.now();
        await exporting;
        // Rode it out: answers ready with nothing left. Or exited: then it must have said why, and the next run resumes.
        let caughtUp = false;
        while (!caughtUp && !projector.exited) {
          if (performance.now() - restartedAt > 180_000)
            throw new Error('the projector never caught up after the restart');
          caughtUp = (await projector.readiness().catch(() => undefined))?.ready === true;
          if (!caughtUp) await sleep(500);
        }
        if (projector.exited) {
          const { code, stderr } = await projector.whenEnded;
          process.stderr.write(`  the projector exited (${code}) on the outage: ${lastLine(stderr)}\n`);
          if (code === 0) failures.push('the projector exited 0 on a PostgreSQL outage');
          if (!/postgres|database|ECONNREFUSED|terminat|connect/i.test(stderr))
            failures.push(`the projector exited without saying the database failed: ${lastLine(stderr)}`);
          await ns.run(['project']);
        } else {
          process.stderr.write('  the projector rode the restart out\n');
          await projector.stop();
        }
        const recover = (performance.now() - restartedAt) / 1000;
        const outcome = await ns.outcome(this.name, recover);
        return { ...outcome, failures: [...outcome.failures, ...failures] };
      } finally {
        await projector.kill();
      }
    } finally {
      await postgres.down();
      await rm(stackDir, { recursive: true, force: true });
    }
  },
};

/**
 * PostgreSQL stopped (fast shutdown: sessions cut) and started again in the middle of a
 * `ledger reconcile` pass, once its first e-mails have left. The projection the pass reads and
 * the send journal it claims each attempt in both live in a private embedded PostgreSQL (as in
 * the case above); Keycloak and the catcher are the stack's. The pass must either finish or exit
 * non-zero with an error that says the database failed (never 0 with users left unsent, never a
 * crash trace without that line, never hang); then `ledger project` and the same pass again.
 * Each user due a reset ends with exactly one `ResetSent` and exactly one e-mail: an outage
 * between Keycloak's send and the journal's record must neither lose the user nor mail them twice.
 */
export const postgresRestartedDuringReconcile: FaultCase = {
  name: 'PostgreSQL restarted during a reconciler pass',
  async run(suite, seed) {
    const random = seededRandom(seed);
    const id = randomUUID().slice(0, 8);
    const { postgres, stackDir, serverEnv } = await privatePostgres(suite, `fault-pgreconcile-${id}`);
    const realmName = `fault-pgreconcile-${id}`;
    const policyFile = join(tmpdir(), `fault-pgreconcile-${id}.yaml`);
    // 10 e-mails a second: the pass takes seconds, so the outage lands among the sends.
    await writeFile(policyFile, 'longTail:\n  afterDays: 45\nresets:\n  sendRatePerHour: 36000\n');
    const failures: string[] = [];
    let realm: KeycloakRealm | undefined;
    let pass: ReturnType<Namespace['start']> | undefined;
    try {
      await postgres.up(() => undefined);
      const ns = suite.namespace('pgreconcile', {
        DATABASE_URL: databaseConfig(localProfileEnv(serverEnv)).url,
        KEYCLOAK_REALM: realmName,
        RECONCILER_SCHEMA: `fault_journal_${id}`,
        RECONCILER_POLICY_FILE: policyFile,
      });
      const catcher = new MailCatcher(ns.env);
      await catcher.up(() => undefined);
      realm = new KeycloakRealm(keycloakConfig(ns.env), await keycloakAdminLogin(ns.env));
      await realm.call('create realm', (c) => c.realms.create({ realm: realmName, enabled: true }));
      const users = await longTailUsers(realm, realmName, id, 50);
      const addresses = new Set(users.map((user) => user.email));
      await recordLongTail(ns, users);
      const at = firstResetPass;

      pass = ns.start(at);
      const { child, done } = pass;
      let ended = false;
      void done.then(() => (ended = true));
      const mailedSoFar = async () =>
        (await catcher.messages()).filter((mail) => mail.to.some((to) => addresses.has(to.address.toLowerCase())))
          .length;
      await until(async () => ended || (await mailedSoFar()) > 0, 120_000, 'the pass sending its first e-mail');
      await sleep(random() * 2000);
      if (ended) throw new Error('the reconcile pass ended before PostgreSQL was stopped: too few users for this case');
      await postgres.down();
      const mailedAtStop = await mailedSoFar();
      await sleep(2000 + random() * 6000);
      await postgres.up(() => undefined);
      const restartedAt = performance.now();
      // A pass that waits on the dead database forever never ends: two minutes is "never".
      const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      const first = await done;
      clearTimeout(killer);
      process.stderr.write(
        `  stopped after ${mailedAtStop} e-mails; the pass ${first.code === 0 ? 'rode the restart out' : `exited ${first.code ?? first.signal}: ${lastLine(first.stderr)}`}\n`,
      );
      if (first.signal === 'SIGKILL') failures.push('the reconcile pass hung on the PostgreSQL outage');
      else if (first.code === 0) {
        // Riding it out is fine only if nobody was left behind: every due user sent, none failed or deferred.
        const sent =
          /resets\s+(\d+) due, (\d+) sent, 0 deferred by the rate, 0 already sent \(not projected yet\), 0 failed/.exec(
            first.stdout,
          );
        if (sent === null || sent[1] !== sent[2])
          failures.push(`the pass exited 0 over the outage with users not sent: ${first.stdout.split('\n')[1]}`);
      } else if (
        !/^ledger: error: PostgreSQL at 127\.0\.0\.1:\d+\/\S+ \(DATABASE_URL\) is unavailable during the reconcile pass/m.test(
          first.stderr,
        )
      )
        failures.push(`the pass exited ${first.code} without saying the database failed: ${lastLine(first.stderr)}`);

      // What the interrupted pass recorded reaches the projection, as between two passes; then the pass again.
      await ns.run(['project']);
      return await finishResetPasses(ns, at, catcher, users, this.name, restartedAt, failures);
    } finally {
      // A case that failed half-way leaves no pass running against the stopped server.
      if (pass && pass.child.exitCode === null && pass.child.signalCode === null) pass.child.kill('SIGKILL');
      await realm?.call('delete realm', (c) => c.realms.del({ realm: realmName })).catch(() => undefined);
      await postgres.down().catch(() => undefined);
      await rm(stackDir, { recursive: true, force: true });
      await rm(policyFile, { force: true });
    }
  },
};

/**
 * An embedded PostgreSQL of the case's own on a free port, its files in `.stack/<folder>`: the
 * machine's shared server is never stopped. Not started yet; `serverEnv` reaches it.
 */
async function privatePostgres(
  suite: FaultSuite,
  folder: string,
): Promise<{ postgres: PostgresComponent; stackDir: string; serverEnv: Env }> {
  const [postgresPort] = await freeLoopbackPorts(1);
  const stackDir = resolve(projectRoot, '.stack', folder);
  const serverEnv: Env = {
    ...suite.env,
    LEDGER_PROFILE: 'local',
    POSTGRES_PORT: String(postgresPort),
    STACK_DIR: stackDir,
  };
  delete (serverEnv as Record<string, string | undefined>).DATABASE_URL;
  return { postgres: new PostgresComponent(serverEnv), stackDir, serverEnv };
}

/** The users' facts in the ledger, and projected: the long tail as a reconcile pass finds it. */
async function recordLongTail(ns: Namespace, users: readonly LongTailUser[]): Promise<void> {
  await ns.ledger.ensureTopics();
  const publisher = await ns.ledger.publisher();
  await publisher.publish(users.flatMap((u) => u.facts));
  await publisher.close();
  await ns.run(['project']);
}

/** Runs the command to completion and shows the first `lines` lines of its report, indented, on stderr. */
async function runShowingHead(ns: Namespace, args: readonly string[], lines: number): Promise<void> {
  const { stdout } = await ns.run(args);
  process.stderr.write(
    stdout
      .split('\n')
      .slice(0, lines)
      .map((line) => `  ${line}\n`)
      .join(''),
  );
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.slice(0, 400) ?? '';
}

const importedAt = '2025-01-01T00:00:00.000Z';
/** A reconcile pass 46 days after the import: every long-tail user is due the first reset. */
const firstResetPass = ['reconcile', '--at', new Date(Date.parse(importedAt) + 46 * 86_400_000).toISOString()];

interface LongTailUser {
  readonly sub: string;
  readonly email: string;
  readonly facts: LedgerEvent[];
}

/**
 * `count` users of a fresh realm, exported and imported on `importedAt` for the JIT bridge and never
 * migrated since: the long tail. With `password`, Keycloak holds one for each (as when the bridge
 * stored it and its confirmation was lost).
 */
async function longTailUsers(
  realm: KeycloakRealm,
  realmName: string,
  id: string,
  count: number,
  password?: string,
): Promise<LongTailUser[]> {
  const target = { kind: 'keycloak' as const, realm: realmName };
  const context = { source: '/fault-suite', correlationId: id, time: new Date(importedAt) };
  const users: LongTailUser[] = [];
  for (let n = 0; n < count; n++) {
    const username = `tail-${n}`;
    const email = `tail-${n}-${id}@example.com`;
    const sub = randomUUID();
    const created = await realm.call('create user', (c) =>
      c.users.create({
        realm: realmName,
        username,
        email,
        emailVerified: true,
        enabled: true,
        firstName: 'Tail',
        lastName: String(n),
        ...(password ? { credentials: [{ type: 'password', value: password, temporary: false }] } : {}),
      }),
    );
    const exported = createEvent(
      'UserExported',
      {
        poolId: 'us-east-1_FaultTail',
        sub,
        username,
        status: 'CONFIRMED',
        enabled: true,
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-12-01T00:00:00.000Z',
        attributes: { email },
        customAttributes: {},
        groups: [],
        mfa: { sms: false, totp: null, preferred: null },
        identities: [],
        anomalies: [],
      },
      { ...context, time: new Date('2024-12-31T00:00:00.000Z') },
    );
    const imported = createEvent(
      'UserImported',
      {
        sub,
        target,
        targetUserId: created.id,
        outcome: 'created',
        matchedBy: null,
        requiredActions: [],
        needsPasswordMigration: true,
        loginName: username,
        treatment: 'password-via-bridge',
        adjustments: [],
      },
      context,
    );
    users.push({ sub, email, facts: [exported, imported] });
  }
  return users;
}

/**
 * Each long-tail user is due one reset: exactly one `ResetSent` in the ledger and exactly one
 * e-mail in the catcher (a second e-mail is what a user would notice). Counts what is missing and
 * what came more than once, over both.
 */
/**
 * The end both reconcile cases share: the pass run to completion (its time from `recoverFrom`, a
 * `performance.now()`), the projection, one more pass that must find nothing due, then each user's
 * `ResetSent` facts and e-mails counted and the suite's checks.
 */
async function finishResetPasses(
  ns: Namespace,
  at: readonly string[],
  catcher: MailCatcher,
  users: readonly LongTailUser[],
  name: string,
  recoverFrom: number,
  failures: readonly string[],
): Promise<FaultOutcome> {
  await runShowingHead(ns, at, 2);
  const recover = (performance.now() - recoverFrom) / 1000;
  await ns.run(['project']);
  const after = await ns.run(at);
  const leftDue = /resets\s+0 due/.test(after.stdout)
    ? []
    : [`a pass after completion still found resets due: ${after.stdout.split('\n')[1]}`];
  const { lost, duplicated, recorded, mailed } = await resetsOf(ns, catcher, users);
  process.stderr.write(`  ${recorded} users with ResetSent, ${mailed} mailed\n`);
  const outcome = await ns.outcome(name, recover, { lost, duplicated });
  return { ...outcome, failures: [...outcome.failures, ...failures, ...leftDue] };
}

async function resetsOf(
  ns: Namespace,
  catcher: MailCatcher,
  users: readonly LongTailUser[],
): Promise<{ lost: number; duplicated: number; recorded: number; mailed: number }> {
  const sent = new Map<string, number>();
  await ns.ledger.scan([ns.ledger.topics.userEvents], (record) => {
    if (record.headers.ce_type !== 'ResetSent') return;
    const subject = record.headers.ce_subject ?? '';
    sent.set(subject, (sent.get(subject) ?? 0) + 1);
  });
  const mails = new Map<string, number>();
  for (const mail of await catcher.messages()) {
    for (const to of mail.to) mails.set(to.address.toLowerCase(), (mails.get(to.address.toLowerCase()) ?? 0) + 1);
  }
  let lost = 0;
  let duplicated = 0;
  for (const user of users) {
    for (const count of [sent.get(user.sub) ?? 0, mails.get(user.email) ?? 0]) {
      if (count === 0) lost++;
      duplicated += Math.max(0, count - 1);
    }
  }
  return {
    lost,
    duplicated,
    recorded: users.filter((user) => sent.has(user.sub)).length,
    mailed: users.filter((user) => mails.has(user.email)).length,
  };
}

export const faultCases: readonly FaultCase[] = [
  exportKilled,
  projectFollowKilled,
  importKilled,
  twoProjectorsOneKilled,
  reconcileKilled,
  watchFollowKilled,
  postgresRestarted,
  postgresRestartedDuringReconcile,
];
/**
 * The cases of the short suite in `npm test`: reconcile, watch and the PostgreSQL restarts set up a
 * realm or a server of their own and run only in `npm run faults`.
 */
export const shortFaultCases: readonly FaultCase[] = [
  exportKilled,
  projectFollowKilled,
  importKilled,
  twoProjectorsOneKilled,
];

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The local ports of the process's TCP sockets (Linux /proc): which PostgreSQL sessions are its. */
async function localTcpPorts(pid: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${table}`, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && inodes.has(fields[9]!)) ports.push(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/** Several runs of a case (seeds seed, seed+1, …), summed into one row. */
export async function runCase(suite: FaultSuite, fault: FaultCase, runs: number, seed: number): Promise<FaultOutcome> {
  const outcomes: FaultOutcome[] = [];
  for (let run = 0; run < runs; run++) {
    try {
      outcomes.push(await fault.run(suite, seed + run));
    } catch (error) {
      // Which run stopped, so that it can be run again alone with `--seed`.
      throw new Error(`${fault.name}, seed ${seed + run}: ${(error as Error).message}`, { cause: error });
    }
  }
  return {
    case: fault.name,
    runs,
    factsLost: outcomes.reduce((sum, o) => sum + o.factsLost, 0),
    factsDuplicated: outcomes.reduce((sum, o) => sum + o.factsDuplicated, 0),
    digestEqual: outcomes.every((o) => o.digestEqual),
    recoverSeconds: Math.max(...outcomes.map((o) => o.recoverSeconds)),
    failures: outcomes.flatMap((o) => o.failures),
  };
}

export function faultTable(rows: readonly FaultOutcome[]): string {
  const header = ['case', 'runs', 'facts lost', 'facts duplicated', 'digest equal', 'time to recover (s)'];
  const cells = rows.map((r) => [
    r.case,
    String(r.runs),
    String(r.factsLost),
    String(r.factsDuplicated),
    r.digestEqual ? 'yes' : 'NO',
    r.recoverSeconds.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  const failures = rows.flatMap((r) => r.failures.map((failure) => `- ${r.case}: ${failure}`));
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line), ...failures].join(
    '\n',
  );
}
