import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaConfig, type Env } from '#config';
import { Ledger } from '#ledger';
import { CognitoComponent, generateSyntheticPool, localProfileEnv, projectRoot, writeCognitoLocalData } from '#stack';

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

  namespace(caseName: string): Namespace {
    const id = randomUUID().slice(0, 8);
    return new Namespace(this, {
      ...localProfileEnv(this.env),
      KAFKA_TOPIC_PREFIX: `fault-${caseName}-${id}`,
      PROJECTION_SCHEMA: `fault_${id}`,
      COGNITO_ENDPOINT: this.cognito.endpoint,
      COGNITO_USER_POOL_ID: this.poolId,
      LOG_LEVEL: 'error',
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

  /** `ledger replay --compare`: the live projections against a clean replay into an empty schema. */
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
    // Slow enough that a kill lands mid-export (about 300 users/s).
    const slow = { COGNITO_RPS_USER_LIST: '5' };
    // Killed twice in a row (the second run resumes what the first left), then run to the end.
    for (let kill = 0; kill < 2; kill++) {
      const landed = await ns.killAfter(['export'], 1500 + random() * 3000, slow);
      if (!landed) throw new Error('the export ended before its kill: the pool is too small for this case');
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
    let kills = 0;
    for (let kill = 0; kill < 2; kill++) {
      if (await ns.killAfter(['import'], 2000 + random() * 6000)) kills++;
    }
    if (kills === 0) throw new Error('the import ended before every kill: the pool is too small for this case');
    const started = performance.now();
    await ns.run(['import']);
    const recover = (performance.now() - started) / 1000;
    await ns.run(['project']);
    return ns.outcome(this.name, recover, await ns.importCheck());
  },
};

export const faultCases: readonly FaultCase[] = [exportKilled, projectFollowKilled, importKilled];

/** Several runs of a case (seeds seed, seed+1, …), summed into one row. */
export async function runCase(suite: FaultSuite, fault: FaultCase, runs: number, seed: number): Promise<FaultOutcome> {
  const outcomes: FaultOutcome[] = [];
  for (let run = 0; run < runs; run++) outcomes.push(await fault.run(suite, seed + run));
  return {
    case: fault.name,
    runs,
    factsLost: outcomes.reduce((sum, o) => sum + o.factsLost, 0),
    factsDuplicated: outcomes.reduce((sum, o) => sum + o.factsDuplicated, 0),
    digestEqual: outcomes.every((o) => o.digestEqual),
    recoverSeconds: Math.max(...outcomes.map((o) => o.recoverSeconds)),
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
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
