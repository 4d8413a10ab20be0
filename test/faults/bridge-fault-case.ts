import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import pMap from 'p-map';
import { passwordGrant, type GrantResult, type PasswordGrant } from '#bridge';
import { cognitoConfig, keycloakConfig, type Env } from '#config';
import { createCognitoClient } from '#cognito';
import { ensureDirectGrantClient, KeycloakRealm } from '#keycloak';
import { decodeRecord } from '#ledger';
import { freeLoopbackPort, keycloakAdminLogin, localProfileEnv } from '#stack';
import { createBridgePool, createPoolUser } from '#test-support';
import { seededRandom, type FaultCase, type Namespace } from './fault-cases.js';

/** Users of the case's pool: enough for a burst that the kill meets in its middle, few enough for a run under two minutes. */
const USERS = 80;
/** Sign-ins in flight at once, as a login page under load would send them. */
const CONCURRENCY = 8;
/** How long a user whose sign-in was "temporarily unavailable" waits before trying again. */
const RETRY_PAUSE_MS = 250;
/** A user still not signed in this long after the burst began is a failure of the case, not a slow run. */
const BURST_DEADLINE_MS = 120_000;

interface BurstUser {
  readonly username: string;
  readonly password: string;
  /** What each of the user's sign-ins answered, in order. */
  readonly answers: GrantResult['kind'][];
  inFlight: boolean;
  /** When (performance.now) the sign-in that first got tokens was sent; undefined until then. */
  signedInSentAt?: number;
}

/**
 * kill -9 of `ledger bridge` in the middle of a burst of first sign-ins through Keycloak (the JIT
 * provider, password grant, CONCURRENCY at a time), once a seeded number of `PasswordMigrated`
 * facts is in the ledger, then the same command started again on the same port while the burst
 * goes on. A user whose sign-in was answered "temporarily unavailable" tries again after a pause,
 * as a person would, until signed in.
 *
 * What must hold:
 * - a sign-in while the bridge is down fails cleanly: `temporarily_unavailable`, never "invalid
 *   credentials"; and a user whose every sign-in failed holds no password in Keycloak;
 * - each user ends with exactly one `PasswordMigrated`: a user whose password Keycloak stored
 *   while the bridge died (its store confirmation went to a dead process) is recorded by the
 *   watcher's reconciliation pass, the product's path for a lost confirmation (docs/bridge.md),
 *   and gets no second fact from a later sign-in (Keycloak no longer asks the bridge about them);
 * - every fact the bridge logged as recorded before its death is in the ledger;
 * - with the bridge stopped, every user signs in with their Cognito password (Keycloak holds it);
 * - the suite's checks: each fact once by id, every exported user's `UserExported`, the
 *   projection equal to a clean replay.
 */
export const bridgeKilled: FaultCase = {
  name: 'kill -9 bridge during a JIT sign-in burst',
  async run(suite, seed) {
    const caseStarted = performance.now();
    const random = seededRandom(seed);
    const id = randomUUID().slice(0, 8);
    const realmName = `fault-bridge-${id}`;
    const cognito = createCognitoClient(
      { ...cognitoConfig({ ...localProfileEnv(suite.env), COGNITO_ENDPOINT: suite.cognito.endpoint }), maxAttempts: 3 },
      { paced: false },
    );
    const { poolId, clientId } = await createBridgePool(cognito, `fault-bridge-${id}`);
    const failures: string[] = [];
    let realm: KeycloakRealm | undefined;
    const bridges: ChildProcess[] = [];
    try {
      const users: BurstUser[] = Array.from({ length: USERS }, (_, n) => ({
        username: `jit.${n}`,
        // Never printed: only cognito-local, Keycloak and the sign-ins see it.
        password: `Fb-${randomBytes(9).toString('base64url')}!7a`,
        answers: [],
        inFlight: false,
      }));
      await pMap(users, (user) => createPoolUser(cognito, poolId, { ...user, tag: id }), { concurrency: 4 });
      const port = await freeLoopbackPort();
      const ns = suite.namespace('bridge', {
        KEYCLOAK_REALM: realmName,
        COGNITO_USER_POOL_ID: poolId,
        WATCHER_SCHEMA: `fault_watcher_${id}`,
      });
      const bridgeEnv: Env = {
        COGNITO_CLIENT_ID: clientId,
        BRIDGE_SHARED_SECRET: randomBytes(24).toString('base64url'),
        BRIDGE_PORT: String(port),
        // Every sign-in reaches the bridge from Keycloak on this machine with the same end-user address.
        BRIDGE_ATTEMPTS_PER_IP_PER_MINUTE: '100000000',
        // Its `password store confirmation` lines say which facts it reported recorded.
        LOG_LEVEL: 'info',
      };
      await ns.export();
      await ns.run(['import']);
      await ns.run(['project']);
      realm = new KeycloakRealm(keycloakConfig(ns.env), await keycloakAdminLogin(ns.env));
      await ensureDirectGrantClient(realm, 'app');
      const target: PasswordGrant = { keycloakUrl: keycloakConfig(ns.env).url, realm: realmName, clientId: 'app' };
      const subs = await exportedSubs(ns);
      const baseline = await ns.userTopicEnd();

      // As an operator runs it: the same command both times; the second start points the realm at the same URL again.
      const first = await startBridge(ns, bridgeEnv, bridges);
      const burstStarted = performance.now();
      let burstEnded = false;
      const signIn = async (user: BurstUser): Promise<void> => {
        while (user.signedInSentAt === undefined) {
          if (performance.now() - burstStarted > BURST_DEADLINE_MS) {
            failures.push(`${user.username} was not signed in ${BURST_DEADLINE_MS / 1000} s into the burst`);
            return;
          }
          const sentAt = performance.now();
          user.inFlight = true;
          const answer = await passwordGrant(target, user.username, user.password).catch((): GrantResult => ({
            kind: 'other',
            status: 0,
            error: 'no answer',
          }));
          user.inFlight = false;
          user.answers.push(answer.kind);
          if (answer.kind === 'tokens') user.signedInSentAt = sentAt;
          else if (answer.kind === 'unavailable') await sleep(RETRY_PAUSE_MS);
          else {
            failures.push(`a sign-in of ${user.username} during the burst answered ${describe(answer)}`);
            return;
          }
        }
      };
      // Seeded order of the first sign-ins (Fisher–Yates).
      const order = [...users];
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const burst = pMap(order, signIn, { concurrency: CONCURRENCY }).finally(() => (burstEnded = true));

      // The kill, driven by the ledger's progress: once 15–50 % of the users have their fact, plus a
      // seeded 0–400 ms so that it falls anywhere among the verifications, stores and confirmations
      // in flight. A faster machine reaches that point sooner but still meets it mid-burst.
      const factsBeforeKill = Math.round(USERS * (0.15 + random() * 0.35));
      while (!burstEnded && (await ns.userTopicEnd()) - baseline < factsBeforeKill) await sleep(50);
      if (burstEnded) throw new Error(`the burst ended before ${factsBeforeKill} PasswordMigrated facts: no kill`);
      await sleep(random() * 400);
      first.child.kill('SIGKILL');
      const firstEnded = await first.done;
      const killedAt = performance.now();
      const signedInAtKill = users.filter((u) => u.signedInSentAt !== undefined).length;
      const recordedAtKill = (await ns.userTopicEnd()) - baseline;

      // Down until a sign-in has met the dead bridge, and a seeded while more.
      const answersAtKill = users.reduce((sum, u) => sum + u.answers.length, 0);
      while (!burstEnded && users.reduce((sum, u) => sum + u.answers.length, 0) === answersAtKill) await sleep(20);
      await sleep(500 + random() * 1500);
      // With the bridge down nothing can be stored: whoever is neither signed in nor in the middle of a
      // sign-in now has only had "temporarily unavailable" answers, and must hold no password.
      const waiting = users.filter((u) => u.signedInSentAt === undefined && !u.inFlight);
      const storedWhileDown = (
        await pMap(waiting, async (u) => hasPassword(realm!, await userIdOf(realm!, u.username)), { concurrency: 4 })
      ).filter(Boolean).length;
      if (storedWhileDown > 0)
        failures.push(`${storedWhileDown} users whose sign-ins all failed hold a password in Keycloak`);

      const second = await startBridge(ns, bridgeEnv, bridges);
      const restartedAt = performance.now();
      await burst;
      const answers = users.flatMap((u) => u.answers);
      const unavailable = answers.filter((kind) => kind === 'unavailable').length;

      // What the restarted bridge accepted, Keycloak confirms once it has committed: wait for those
      // confirmations before the watcher's pass, which would otherwise race them for the same facts.
      // (The case's users are all confirmed and without MFA: each accepted password is `valid`.)
      const acceptedBySecond = new Set(
        logLines(second.stdout(), 'password verify')
          .filter((line) => line.outcome === 'valid')
          .map((line) => String(line.sub)),
      );
      const unconfirmed = () => {
        const confirmed = new Set(logLines(second.stdout(), 'password store confirmation').map((l) => String(l.sub)));
        return [...acceptedBySecond].filter((sub) => !confirmed.has(sub));
      };
      const confirmationsDeadline = performance.now() + 30_000;
      while (unconfirmed().length > 0) {
        if (performance.now() > confirmationsDeadline) {
          failures.push(`${unconfirmed().length} passwords the restarted bridge accepted were never confirmed to it`);
          break;
        }
        await sleep(100);
      }

      // Every fact a bridge said it recorded is in the ledger before anything else records facts.
      const beforeWatch = await passwordMigratedBySub(ns);
      const reported = new Set(
        [firstEnded.stdout, second.stdout()]
          .flatMap((stdout) => logLines(stdout, 'password store confirmation'))
          .filter((line) => line.outcome === 'recorded')
          .map((line) => String(line.sub)),
      );
      const reportedMissing = [...reported].filter((sub) => !beforeWatch.has(sub)).length;
      if (reportedMissing > 0)
        failures.push(`${reportedMissing} facts a bridge reported recorded are not in the ledger`);

      // The watcher's pass: the reconciliation that records the stores whose confirmation the kill lost.
      await ns.run(['watch']);
      const recover = (performance.now() - killedAt) / 1000;
      second.child.kill('SIGTERM');
      const secondEnded = await second.done;
      if (secondEnded.code !== 0) failures.push(`the restarted bridge exited ${secondEnded.code} on SIGTERM`);
      await ns.run(['project']);

      // With no bridge at all, every user signs in: Keycloak holds each password.
      const final = await pMap(users, (u) => passwordGrant(target, u.username, u.password), {
        concurrency: CONCURRENCY,
      });
      const notSignedIn = final.filter((answer) => answer.kind !== 'tokens');
      if (notSignedIn.length > 0)
        failures.push(
          `${notSignedIn.length} users could not sign in with the bridge stopped (${[...new Set(notSignedIn.map(describe))].join(', ')})`,
        );

      const migrated = await passwordMigratedBySub(ns);
      const lost = [...subs.values()].filter((sub) => !migrated.has(sub)).length;
      const duplicated = [...migrated.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
      const strangers = [...migrated.keys()].filter((sub) => ![...subs.values()].includes(sub)).length;
      if (strangers > 0) failures.push(`${strangers} PasswordMigrated facts for subs that are not the case's users`);
      const recordedByFirst = new Set(
        logLines(firstEnded.stdout, 'password store confirmation')
          .filter((line) => line.outcome === 'recorded')
          .map((line) => String(line.sub)),
      );
      const cutOff = logLines(firstEnded.stdout, 'password verify').filter(
        (line) => line.outcome === 'valid' && !recordedByFirst.has(String(line.sub)),
      ).length;
      process.stderr.write(
        `  seed ${seed}: killed at ${recordedAtKill} facts (${signedInAtKill} users signed in), down ${((restartedAt - killedAt) / 1000).toFixed(1)} s, ` +
          `${unavailable} sign-ins answered unavailable; ${cutOff} passwords the killed bridge accepted without recording; ` +
          `PasswordMigrated for ${beforeWatch.size} users from the bridges, ${migrated.size - beforeWatch.size} from the watcher's pass; ` +
          `case ${((performance.now() - caseStarted) / 1000).toFixed(0)} s\n`,
      );
      const outcome = await ns.outcome(this.name, recover, { lost, duplicated });
      return { ...outcome, failures: [...outcome.failures, ...failures] };
    } finally {
      for (const child of bridges) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await realm?.call('delete realm', (c) => c.realms.del({ realm: realmName })).catch(() => undefined);
      await cognito.client.send(new DeleteUserPoolCommand({ UserPoolId: poolId })).catch(() => undefined);
    }
  },
};

interface RunningBridgeProcess {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** What it has written to stdout so far (its JSON log lines at LOG_LEVEL=info). */
  stdout(): string;
}

/** `ledger bridge --configure-keycloak`, once it says it listens. */
async function startBridge(ns: Namespace, env: Env, started: ChildProcess[]): Promise<RunningBridgeProcess> {
  const { child, done } = ns.start(['bridge', '--configure-keycloak'], env);
  started.push(child);
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

/** The bridge's JSON log lines with message `msg` (`password verify`, `password store confirmation`). */
function logLines(stdout: string, msg: string): Record<string, unknown>[] {
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
async function passwordMigratedBySub(ns: Namespace): Promise<Map<string, number>> {
  const migrated = new Map<string, number>();
  await ns.ledger.scan([ns.ledger.topics.userEvents], (record) => {
    if (record.headers.ce_type !== 'PasswordMigrated') return;
    const sub = record.headers.ce_subject ?? '';
    migrated.set(sub, (migrated.get(sub) ?? 0) + 1);
  });
  return migrated;
}

async function userIdOf(realm: KeycloakRealm, username: string): Promise<string> {
  const [user] = await realm.call('user', (c) => c.users.find({ realm: realm.name, username, exact: true }));
  if (!user?.id) throw new Error(`${username} is not in the realm`);
  return user.id;
}

async function hasPassword(realm: KeycloakRealm, id: string): Promise<boolean> {
  const credentials = await realm.call('credentials', (c) => c.users.getCredentials({ realm: realm.name, id }));
  return credentials.some((credential) => credential.type === 'password');
}

function describe(answer: GrantResult): string {
  return answer.kind === 'other' ? `${answer.status} ${answer.error}` : answer.kind;
}
