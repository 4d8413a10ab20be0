import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import pMap from 'p-map';
import { passwordGrant, type GrantResult, type PasswordGrant } from '#bridge';
import { cognitoConfig, keycloakConfig, type Env } from '#config';
import { createCognitoClient, type MeteredCognitoClient } from '#cognito';
import { ensureDirectGrantClient, KeycloakRealm } from '#keycloak';
import { decodeRecord } from '#ledger';
import { freeLoopbackPort, keycloakAdminLogin, localProfileEnv } from '#stack';
import { createBridgePool, createPoolUser } from '#test-support';
import type { FaultSuite, Namespace } from './fault-cases.js';

/** Users of the case's pool: enough for a burst that the fault meets in its middle, few enough for a run under two minutes. */
const USERS = 80;
/** Sign-ins in flight at once, as a login page under load would send them. */
export const BURST_CONCURRENCY = 8;
/** How long a user whose sign-in failed for a passing reason waits before trying again. */
const RETRY_PAUSE_MS = 250;
/** A user still not signed in this long after the burst began is a failure of the case, not a slow run. */
const BURST_DEADLINE_MS = 120_000;

export interface BurstUser {
  readonly username: string;
  readonly password: string;
  /** What each of the user's sign-ins answered, in order. */
  readonly answers: GrantResult['kind'][];
  inFlight: boolean;
  /** When (performance.now) the sign-in that first got tokens was sent; undefined until then. */
  signedInSentAt?: number;
}

export interface RunningBridgeProcess {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** What it has written to stdout so far (its JSON log lines at LOG_LEVEL=info). */
  stdout(): string;
}

/**
 * The scene of the JIT fault cases: USERS users with passwords in a new cognito-local pool,
 * exported, imported into a new realm and projected; a direct-grant client `app`; and
 * `ledger bridge --configure-keycloak` as an operator starts it. The burst signs every user in
 * once through Keycloak (password grant, BURST_CONCURRENCY at a time, in a seeded order); a
 * sign-in that fails for a reason the case expects of its fault is tried again after a pause, as
 * a person would, until the user has tokens.
 */
export class JitSignInBurst {
  readonly users: BurstUser[];
  readonly failures: string[] = [];
  readonly bridges: ChildProcess[] = [];
  /** Username → sub of every exported user. */
  subs = new Map<string, string>();
  /** The user topic's end before the burst: the facts it adds are counted from here. */
  baseline = 0;
  ns!: Namespace;
  realm!: KeycloakRealm;
  target!: PasswordGrant;
  private bridgeEnv!: Env;
  private burstStarted = 0;
  private ended = false;

  private constructor(
    private readonly cognito: MeteredCognitoClient,
    private readonly poolId: string,
    private readonly realmName: string,
    private readonly random: () => number,
  ) {
    this.users = Array.from({ length: USERS }, (_, n) => ({
      username: `jit.${n}`,
      // Never printed: only cognito-local, Keycloak and the sign-ins see it.
      password: `Fb-${randomBytes(9).toString('base64url')}!7a`,
      answers: [],
      inFlight: false,
    }));
  }

  /** Sets the scene in namespace `caseName`; `close` removes the pool and the realm whatever happened. */
  static async open(suite: FaultSuite, caseName: string, random: () => number): Promise<JitSignInBurst> {
    const id = randomUUID().slice(0, 8);
    const cognito = createCognitoClient(
      { ...cognitoConfig({ ...localProfileEnv(suite.env), COGNITO_ENDPOINT: suite.cognito.endpoint }), maxAttempts: 3 },
      { paced: false },
    );
    const { poolId, clientId } = await createBridgePool(cognito, `fault-${caseName}-${id}`);
    const scene = new JitSignInBurst(cognito, poolId, `fault-${caseName}-${id}`, random);
    await pMap(scene.users, (user) => createPoolUser(cognito, poolId, { ...user, tag: id }), { concurrency: 4 });
    scene.ns = suite.namespace(caseName, {
      KEYCLOAK_REALM: scene.realmName,
      COGNITO_USER_POOL_ID: poolId,
      WATCHER_SCHEMA: `fault_watcher_${id}`,
    });
    scene.bridgeEnv = {
      COGNITO_CLIENT_ID: clientId,
      BRIDGE_SHARED_SECRET: randomBytes(24).toString('base64url'),
      BRIDGE_PORT: String(await freeLoopbackPort()),
      // Every sign-in reaches the bridge from Keycloak on this machine with the same end-user address.
      BRIDGE_ATTEMPTS_PER_IP_PER_MINUTE: '100000000',
      // Its `password store confirmation` lines say which facts it reported recorded.
      LOG_LEVEL: 'info',
    };
    await scene.ns.export();
    await scene.ns.run(['import']);
    await scene.ns.run(['project']);
    scene.realm = new KeycloakRealm(keycloakConfig(scene.ns.env), await keycloakAdminLogin(scene.ns.env));
    await ensureDirectGrantClient(scene.realm, 'app');
    scene.target = { keycloakUrl: keycloakConfig(scene.ns.env).url, realm: scene.realmName, clientId: 'app' };
    scene.subs = await exportedSubs(scene.ns);
    scene.baseline = await scene.ns.userTopicEnd();
    return scene;
  }

  /** `ledger bridge --configure-keycloak`, once it says it listens; the same command and port each time. */
  async startBridge(): Promise<RunningBridgeProcess> {
    const { child, done } = this.ns.start(['bridge', '--configure-keycloak'], this.bridgeEnv);
    this.bridges.push(child);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const deadline = performance.now() + 60_000;
    let ended = false;
    void done.then(() => (ended = true));
    while (!/^bridge listening on /m.test(stdout)) {
      if (ended) throw new Error(`ledger bridge exited before listening: ${(await done).stderr.trim().slice(-800)}`);
      if (performance.now() > deadline) throw new Error('ledger bridge did not listen within 60 s');
      await sleep(50);
    }
    return { child, done, stdout: () => stdout };
  }

  /**
   * Starts a burst: every user signs in until they get tokens (again, if an earlier burst signed
   * them in); `retry` says which failed answers the case's fault explains (the user tries again).
   */
  start(retry: (answer: GrantResult) => boolean): Promise<void> {
    this.burstStarted = performance.now();
    this.ended = false;
    for (const user of this.users) user.signedInSentAt = undefined;
    const order = [...this.users];
    // Seeded order of the first sign-ins (Fisher–Yates).
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return pMap(order, (user) => this.signIn(user, retry), { concurrency: BURST_CONCURRENCY })
      .then(
        () => undefined,
        (error: unknown) => {
          this.ended = true;
          throw error;
        },
      )
      .finally(() => (this.ended = true));
  }

  get burstEnded(): boolean {
    return this.ended;
  }

  /**
   * Waits for the fault's moment, driven by the ledger's progress: once a seeded 15–50 % of the
   * users have their fact, plus a seeded 0–400 ms so that it falls anywhere among the
   * verifications, stores and confirmations in flight. A faster machine reaches that point sooner
   * but still meets it mid-burst. Resolves with the number of facts waited for.
   */
  async untilFaultPoint(): Promise<number> {
    const facts = Math.round(this.users.length * (0.15 + this.random() * 0.35));
    while (!this.ended && (await this.ns.userTopicEnd()) - this.baseline < facts) await sleep(50);
    if (this.ended) throw new Error(`the burst ended before ${facts} PasswordMigrated facts: no fault`);
    await sleep(this.random() * 400);
    return facts;
  }

  /** Sign-ins answered so far. */
  answerCount(): number {
    return this.users.reduce((sum, u) => sum + u.answers.length, 0);
  }

  signedIn(): number {
    return this.users.filter((u) => u.signedInSentAt !== undefined).length;
  }

  /** Waits until a sign-in has been answered after this moment (one has met the fault), or the burst ended. */
  async untilNextAnswer(): Promise<void> {
    const before = this.answerCount();
    while (!this.ended && this.answerCount() === before) await sleep(20);
  }

  /**
   * Waits until every password `bridge` answered "valid" for is confirmed to it (Keycloak confirms
   * once it has committed), at most 30 s; before the watcher's pass, which would otherwise race
   * those confirmations for the same facts. (The case's users are all confirmed and without MFA:
   * each accepted password is `valid`.) Only answers logged from `since` (epoch ms) on count: an
   * earlier one may have been stored by a Keycloak that then died, its confirmation never sent.
   */
  async untilConfirmed(bridge: RunningBridgeProcess, what: string, since = 0): Promise<void> {
    const accepted = new Set(
      logLines(bridge.stdout(), 'password verify')
        .filter((line) => line.outcome === 'valid' && Number(line.time) >= since)
        .map((line) => String(line.sub)),
    );
    const unconfirmed = () => {
      const confirmed = new Set(logLines(bridge.stdout(), 'password store confirmation').map((l) => String(l.sub)));
      return [...accepted].filter((sub) => !confirmed.has(sub));
    };
    const deadline = performance.now() + 30_000;
    while (unconfirmed().length > 0) {
      if (performance.now() > deadline) {
        this.failures.push(`${unconfirmed().length} passwords ${what} accepted were never confirmed to it`);
        return;
      }
      await sleep(100);
    }
  }

  /** Records a failure for each fact a bridge logged as recorded that is not in the ledger. */
  async checkReportedRecorded(stdouts: readonly string[]): Promise<void> {
    const inLedger = await passwordMigratedBySub(this.ns);
    const missing = [...recordedSubs(stdouts)].filter((sub) => !inLedger.has(sub)).length;
    if (missing > 0) this.failures.push(`${missing} facts a bridge reported recorded are not in the ledger`);
  }

  /**
   * The end of each case: every user signs in once more (`when` says with what bridge), then
   * each case user's `PasswordMigrated` facts are counted: `lost` the users with none,
   * `duplicated` the facts beyond one per user. A password disagreement still open is a failure.
   */
  async finalChecks(when: string): Promise<{ lost: number; duplicated: number; migrated: Map<string, number> }> {
    const final = await pMap(this.users, (u) => passwordGrant(this.target, u.username, u.password), {
      concurrency: BURST_CONCURRENCY,
    });
    const notSignedIn = final.filter((answer) => answer.kind !== 'tokens');
    if (notSignedIn.length > 0)
      this.failures.push(
        `${notSignedIn.length} users could not sign in ${when} (${[...new Set(notSignedIn.map(describeAnswer))].join(', ')})`,
      );
    const migrated = await passwordMigratedBySub(this.ns);
    const subs = new Set(this.subs.values());
    const lost = [...subs].filter((sub) => !migrated.has(sub)).length;
    const duplicated = [...migrated.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
    const open = await openPasswordDisagreements(this.ns);
    if (open.size > 0)
      this.failures.push(`${open.size} password disagreements with Keycloak are still open at the end`);
    const strangers = [...migrated.keys()].filter((sub) => !subs.has(sub)).length;
    if (strangers > 0) this.failures.push(`${strangers} PasswordMigrated facts for subs that are not the case's users`);
    return { lost, duplicated, migrated };
  }

  /** Whether Keycloak holds a password credential for `username`. */
  async holdsPassword(username: string): Promise<boolean> {
    const [user] = await this.realm.call('user', (c) =>
      c.users.find({ realm: this.realm.name, username, exact: true }),
    );
    if (!user?.id) throw new Error(`${username} is not in the realm`);
    const credentials = await this.realm.call('credentials', (c) =>
      c.users.getCredentials({ realm: this.realm.name, id: user.id! }),
    );
    return credentials.some((credential) => credential.type === 'password');
  }

  async close(): Promise<void> {
    for (const child of this.bridges) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await this.realm?.call('delete realm', (c) => c.realms.del({ realm: this.realmName })).catch(() => undefined);
    await this.cognito.client.send(new DeleteUserPoolCommand({ UserPoolId: this.poolId })).catch(() => undefined);
  }

  private async signIn(user: BurstUser, retry: (answer: GrantResult) => boolean): Promise<void> {
    while (user.signedInSentAt === undefined) {
      if (performance.now() - this.burstStarted > BURST_DEADLINE_MS) {
        this.failures.push(`${user.username} was not signed in ${BURST_DEADLINE_MS / 1000} s into the burst`);
        return;
      }
      const sentAt = performance.now();
      user.inFlight = true;
      const answer = await passwordGrant(this.target, user.username, user.password).catch((): GrantResult => ({
        kind: 'other',
        status: 0,
        error: 'no answer',
      }));
      user.inFlight = false;
      user.answers.push(answer.kind);
      if (answer.kind === 'tokens') user.signedInSentAt = sentAt;
      else if (retry(answer)) await sleep(RETRY_PAUSE_MS);
      else {
        this.failures.push(`a sign-in of ${user.username} during the burst answered ${describeAnswer(answer)}`);
        return;
      }
    }
  }
}

/** The bridge's JSON log lines with message `msg` (`password verify`, `password store confirmation`). */
export function logLines(stdout: string, msg: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        // The last line of a killed process may be cut.
        return {};
      }
    })
    .filter((line) => line.msg === msg);
}

/** Subs whose fact a bridge logged as recorded. */
export function recordedSubs(stdouts: readonly string[]): Set<string> {
  return new Set(
    stdouts
      .flatMap((stdout) => logLines(stdout, 'password store confirmation'))
      .filter((line) => line.outcome === 'recorded')
      .map((line) => String(line.sub)),
  );
}

/** Username → sub of every exported user. */
async function exportedSubs(ns: Namespace): Promise<Map<string, string>> {
  const subs = new Map<string, string>();
  await ns.ledger.scan([ns.ledger.topics.userEvents], (record) => {
    const event = decodeRecord(record);
    if (event.type === 'UserExported') subs.set(event.data.username, event.subject);
  });
  return subs;
}

/** `PasswordMigrated` records per sub. */
export async function passwordMigratedBySub(ns: Namespace): Promise<Map<string, number>> {
  const migrated = new Map<string, number>();
  await ns.ledger.scan([ns.ledger.topics.userEvents], (record) => {
    if (record.headers.ce_type !== 'PasswordMigrated') return;
    const sub = record.headers.ce_subject ?? '';
    migrated.set(sub, (migrated.get(sub) ?? 0) + 1);
  });
  return migrated;
}

/**
 * Subs with a `TargetDisagreementFound` about a password (the watcher's pass found no password
 * credential for a user the ledger calls migrated) that no `TargetDisagreementResolved` closed.
 */
export async function openPasswordDisagreements(ns: Namespace): Promise<Set<string>> {
  const open = new Map<string, string>();
  await ns.ledger.scan([ns.ledger.topics.userEvents], (record) => {
    const event = decodeRecord(record);
    if (event.type === 'TargetDisagreementFound' && event.data.field === 'password') open.set(event.id, event.subject);
    else if (event.type === 'TargetDisagreementResolved' && event.data.field === 'password')
      open.delete(event.data.resolves);
  });
  return new Set(open.values());
}

export function describeAnswer(answer: GrantResult): string {
  return answer.kind === 'other' ? `${answer.status} ${answer.error}` : answer.kind;
}
